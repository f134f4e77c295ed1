// Optional enhancement: show each item's similar rationales on the letter page itself.
// Without this script each item links to its own page of them, which is what is loaded here.
document.querySelectorAll("section.similar[data-similar-url]").forEach(function (placeholder) {
  fetch(placeholder.dataset.similarUrl, { headers: { Accept: "text/html" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return response.text();
    })
    .then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var found = page.querySelector("section.similar");
      if (found) placeholder.replaceWith(document.importNode(found, true));
    })
    .catch(function () {
      // The link to the page of similar rationales stays in place.
    });
});
