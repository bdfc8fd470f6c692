// 加入收藏 without leaving the page: the button's form is sent to the JSON API instead, with the same CSRF token.
// Without JavaScript, or when the request fails, the form is posted as usual.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-favorite]") || !window.fetch) { return; }
  event.preventDefault();
  var adding = form.elements.action.value === "add";
  fetch(form.getAttribute("data-api"), {
    method: adding ? "POST" : "DELETE",
    credentials: "same-origin",
    headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, "Accept": "application/json" }
  }).then(function (response) {
    if (!response.ok) { throw new Error(String(response.status)); }
    return response.json();
  }).then(function (state) {
    var button = form.querySelector("button");
    form.elements.action.value = state.favorited ? "remove" : "add";
    button.classList.toggle("on", state.favorited);
    button.setAttribute("aria-pressed", state.favorited ? "true" : "false");
    button.title = state.favorited ? "取消收藏" : "加入收藏";
    button.querySelector("[data-label]").textContent = state.favorited ? "★ 已收藏" : "☆ 加入收藏";
    button.querySelector("[data-count]").textContent = String(state.count);
  }).catch(function () { form.submit(); });
});
