/* Questionnaire page (issue 10). Works without it: the limits are then the fields' maxlength.
   - Character counters: the page says "Up to N characters"; this counts as the person types. Like
     GOV.UK's character count, it lifts maxlength so that a longer paste is not cut without notice:
     the counter says how many characters too many, and the server refuses the save with a message.
   - Error summary: its links move focus to the control in error, not only scroll to it. */
(function () {
  "use strict";
  var number = new Intl.NumberFormat(document.documentElement.lang || "en");

  // The sentences come translated from the page (data-*-text on the form); English if they are missing.
  var TEXTS = {
    count: "{length} of {limit} characters.",
    overOne: "{over} character too many: {length} of at most {limit}. Shorten it before saving.",
    overMany: "{over} characters too many: {length} of at most {limit}. Shorten it before saving."
  };

  function sentence(field, key, values) {
    var form = field.closest("form");
    var attribute = {count: "data-count-text", overOne: "data-over-one-text", overMany: "data-over-many-text"}[key];
    var text = (form && form.getAttribute(attribute)) || TEXTS[key];
    return text.replace(/\{(length|limit|over)\}/g, function (match, name) { return number.format(values[name]); });
  }

  function describe(field, counter) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var length = field.value.length;
    var values = {length: length, limit: limit, over: length - limit};
    if (length > limit) {
      counter.textContent = sentence(field, length - limit === 1 ? "overOne" : "overMany", values);
      counter.classList.add("over");
      field.setAttribute("aria-invalid", "true");
    } else {
      counter.textContent = sentence(field, "count", values);
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
