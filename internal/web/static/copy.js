// Copy buttons (family links): a button with data-copy="ID" copies the value
// of the field with that id, through the Clipboard API where the page is a
// secure context and by selecting the field otherwise (plain HTTP on a
// phone), and says so in the element named by data-status. No build step,
// no dependencies; without JavaScript the field stays selectable by hand.
(function () {
  "use strict";
  // The status stays hidden until it has something to say, so that it shows
  // only once the copy has been done (the Clipboard API answers later, not
  // during the click). Its live region is the always-present parent, so the
  // words are still announced when they appear.
  function say(button, ok) {
    var out = document.getElementById(button.getAttribute("data-status"));
    if (out) {
      out.textContent = button.getAttribute(ok ? "data-copied" : "data-failed");
      out.hidden = false;
    }
  }
  function fallback(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("[data-copy]") : null;
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () {
        say(button, true);
      }, function () {
        say(button, fallback(field));
      });
    } else {
      say(button, fallback(field));
    }
  });
  // The buttons are hidden until the script runs: without it they would do nothing.
  var buttons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
  }
})();
