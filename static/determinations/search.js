// Optional enhancements of the search form; everything works without this script.
(function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  var FOCUS_KEY = "imr-search-focus";

  // A copied link carries only what was chosen: empty boxes and the default order are left
  // out of the URL (a disabled field is not submitted).
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      var unused = field.name && !field.disabled && field.value === "" && field.type !== "checkbox";
      if (unused || (field.name === "sort" && field.value === "relevance")) field.disabled = true;
    });
  });

  // Apply a filter as soon as a facet box is ticked, and give the focus back to that box on
  // the page that comes back, instead of the top of the page.
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches('.facet input[type="checkbox"]')) {
      try { sessionStorage.setItem(FOCUS_KEY, box.name + "=" + box.value); } catch (e) {}
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });
  var wanted = null;
  try { wanted = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) {}
  if (wanted) {
    var at = wanted.indexOf("=");
    var name = wanted.slice(0, at), value = wanted.slice(at + 1);
    Array.prototype.some.call(form.querySelectorAll('.facet input[type="checkbox"]'), function (box) {
      if (box.name !== name || box.value !== value) return false;
      var more = box.closest("details");
      if (more) more.open = true;
      box.focus();
      return true;
    });
  }
})();
