// Pagefind's search box on search.html (the index is built at export).
window.addEventListener("DOMContentLoaded", function () {
  if (typeof PagefindUI !== "function") return; // no index yet: the list below still works
  new PagefindUI({ element: "#search", showSubResults: false, showImages: false, resetStyles: false });
  var box = document.querySelector("#search input");
  if (box) box.setAttribute("aria-label", "Search the posts"); // its own label is a title only
});
