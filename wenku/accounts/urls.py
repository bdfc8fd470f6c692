from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from wenku.accounts.views import account, auth, favorites, tokens
from wenku.web.converters import IdConverter, RefConverter

app_name = "accounts"
register_converter(IdConverter, "account_id")  # ids too large for the database are 404s, not errors
register_converter(RefConverter, "document_ref")

urlpatterns = [
    path("register/", auth.register, name="register"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST; then LOGOUT_REDIRECT_URL
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("me/", account.me, name="me"),
    path("email/", account.email, name="email"),
    path("favorites/", account.favorite_list, name="favorites"),
    path("favorites/<document_ref:document_ref>/", favorites.toggle, name="favorite"),
    path("history/", account.history_list, name="history"),
    path("tokens/", tokens.create, name="token_create"),
    path("tokens/<account_id:token_id>/revoke/", tokens.revoke, name="token_revoke"),
]
