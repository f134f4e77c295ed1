// Optional enhancement: apply a filter as soon as a facet box is ticked.
// Everything works without this script through the "Apply filters" button.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches('#search-form .facet input[type="checkbox"]')) {
    box.form.submit();
  }
});
