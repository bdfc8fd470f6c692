/* Upload with a progress bar. Without this script (or without XMLHttpRequest/FormData) the form posts normally
   and the server answers with the whole page; with it, the server answers with the results fragment only.
   Files over the size limit are not sent at all: an empty stand-in with the file's name goes in their place, so
   that the server reports them in order. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = form.querySelector("input[type=file]");
  var button = form.querySelector("button[type=submit]");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var results = document.getElementById("upload-results");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);

  function done(message) {
    button.disabled = false;
    bar.hidden = true;
    status.textContent = message || "";
  }

  form.addEventListener("submit", function (event) {
    if (!input.files || !input.files.length) return; // the browser's own "required" message
    event.preventDefault();
    var data = new FormData(form);
    data.delete("files");
    Array.prototype.forEach.call(input.files, function (file) {
      // an empty stand-in in the file's place, so that its result line keeps its place too
      if (maxBytes && file.size > maxBytes) data.append("too_large", new Blob([]), file.name);
      else data.append("files", file, file.name);
    });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = "正在上传 " + percent + "%";
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value"); // indeterminate while the server converts the files
      status.textContent = "上传完成，正在转换文件……";
    });
    xhr.addEventListener("load", function () {
      if (xhr.getResponseHeader("X-Wenku-Upload") === "results") {
        results.innerHTML = xhr.responseText;
        done("");
        if (xhr.status < 400) form.reset();
        results.scrollIntoView({ behavior: "smooth", block: "start" });
        poll();
      } else if (xhr.responseURL && xhr.responseURL.indexOf(form.action) === -1) {
        window.location.href = xhr.responseURL; // logged out meanwhile: follow to the login page
      } else {
        done("上传失败（服务器返回 " + xhr.status + "），请稍后再试。");
      }
    });
    xhr.addEventListener("error", function () { done("网络错误，上传没有完成，请重试。"); });
    xhr.addEventListener("abort", function () { done("上传已取消。"); });
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "正在上传……";
    xhr.send(data);
  });

  // Files still queued or being imported by the worker: ask for their results every two seconds.
  function poll() {
    var pending = results.querySelector("[data-unfinished]");
    if (!pending) return;
    window.setTimeout(function () {
      var check = new XMLHttpRequest();
      check.open("GET", pending.getAttribute("data-poll"));
      check.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      check.addEventListener("load", function () {
        if (check.getResponseHeader("X-Wenku-Upload") === "results") results.innerHTML = check.responseText;
        poll();
      });
      check.addEventListener("error", poll);
      check.send();
    }, 2000);
  }
  poll();
})();
