/* Questionnaire page (issue 10). Works without it: the limits are then the fields' maxlength.
   - Character counters: the page says "Up to N characters"; this counts as the person types. Like
     GOV.UK's character count, it lifts maxlength so that a longer paste is not cut without notice:
     the counter says how many characters too many, and the server refuses the save with a message.
   - Error summary: its links move focus to the control in error, not only scroll to it. */
(function () {
  "use strict";
  var number = new Intl.NumberFormat(document.documentElement.lang || "en");

  function describe(field, counter) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var length = field.value.length;
    if (length > limit) {
      counter.textContent = number.format(length - limit) + (length - limit === 1 ? " character" : " characters") +
        " too many: " + number.format(length) + " of at most " + number.format(limit) + ". Shorten it before saving.";
      counter.classList.add("over");
      field.setAttribute("aria-invalid", "true");
    } else {
      counter.textContent = number.format(length) + " of " + number.format(limit) + " characters.";
      counter.classList.remove("over");
      if (!field.classList.contains("is-invalid")) { field.removeAttribute("aria-invalid"); }
    }
  }

  function counters() {
    var fields = document.querySelectorAll("[data-counter][maxlength]");
    Array.prototype.forEach.call(fields, function (field) {
      var counter = document.getElementById(field.getAttribute("data-counter"));
      if (!counter || field.readOnly || field.disabled) { return; }
      field.setAttribute("data-limit", field.getAttribute("maxlength"));
      field.removeAttribute("maxlength");
      describe(field, counter);
      field.addEventListener("input", function () { describe(field, counter); });
    });
  }

  function errorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) { return; }
    if (document.activeElement !== summary) { summary.focus(); }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.scrollIntoView({block: "center"});
      target.focus();
      history.replaceState(null, "", link.getAttribute("href"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    counters();
    errorSummary();
  });
}());
