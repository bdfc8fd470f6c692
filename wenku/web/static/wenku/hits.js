// Arriving from a search result (?hl=…): scroll to the first highlighted match and step through the matches of the
// page with the bar's 上一处 / 下一处 buttons, or the keys n / N (Shift+n). Without JavaScript the page simply
// shows its marks and the bar stays hidden.
(function () {
  var bar = document.querySelector("[data-hit-nav]");
  var marks = Array.prototype.slice.call(document.querySelectorAll(".reader-body mark"));
  if (!bar || !marks.length) { return; }
  var count = bar.querySelector("[data-hit-count]");
  var current = -1;

  function show(index, smooth) {
    if (current >= 0) { marks[current].classList.remove("current"); marks[current].removeAttribute("aria-current"); }
    current = (index + marks.length) % marks.length;
    var mark = marks[current];
    mark.classList.add("current");
    mark.setAttribute("aria-current", "true");
    count.textContent = "第 " + (current + 1) + " / " + marks.length + " 处";
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    mark.scrollIntoView({ block: "center", behavior: smooth && !reduced ? "smooth" : "auto" });
  }

  bar.hidden = false;
  document.body.classList.add("has-hit-nav");
  bar.querySelector("[data-hit-prev]").addEventListener("click", function () { show(current - 1, true); });
  bar.querySelector("[data-hit-next]").addEventListener("click", function () { show(current + 1, true); });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.toLowerCase() !== "n") { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    event.preventDefault();
    show(event.shiftKey ? current - 1 : current + 1, true);
  });
  show(0, false);
})();
