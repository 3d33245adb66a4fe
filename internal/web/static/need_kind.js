// Kinds narrowed to their category (需求类别 → 具体事项): a kind <select>
// with data-kind-of="ID" follows the category <select> of that id, showing
// only the kinds whose data-categories name the category chosen, and clears
// a kind the new category does not take. Without JavaScript every kind is
// offered and the server refuses a kind of another category, in words.
(function () {
  "use strict";
  function narrow(kind, category) {
    var chosen = category.value;
    for (var i = 0; i < kind.options.length; i++) {
      var o = kind.options[i];
      var cats = o.getAttribute("data-categories");
      if (cats === null) {
        continue; // the "choose" option
      }
      var fits = chosen === "" || (" " + cats + " ").indexOf(" " + chosen + " ") >= 0;
      o.hidden = !fits;
      o.disabled = !fits;
      if (!fits && o.selected) {
        kind.value = "";
      }
    }
  }
  function init() {
    var kinds = document.querySelectorAll("select[data-kind-of]");
    Array.prototype.forEach.call(kinds, function (kind) {
      var category = document.getElementById(kind.getAttribute("data-kind-of"));
      if (!category) {
        return;
      }
      category.addEventListener("change", function () { narrow(kind, category); });
      narrow(kind, category);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
