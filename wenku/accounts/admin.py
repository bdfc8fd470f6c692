from django.contrib import admin

from wenku.accounts.models import ApiToken, Favorite, LoginAttempt, ReadingPosition


@admin.register(Favorite)
class FavoriteAdmin(admin.ModelAdmin):
    list_display = ["user", "document", "created"]
    raw_id_fields = ["user", "document"]
    search_fields = ["user__username", "document__title"]


@admin.register(ReadingPosition)
class ReadingPositionAdmin(admin.ModelAdmin):
    list_display = ["user", "document", "page", "updated"]
    raw_id_fields = ["user", "document"]
    search_fields = ["user__username", "document__title"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see and revoke (delete) tokens; a token is only ever created by its user, who alone sees it."""

    list_display = ["user", "name", "prefix", "created", "last_used"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["user", "prefix", "digest", "created", "last_used"]

    def has_add_permission(self, request):
        return False


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Deleting a username's attempts lifts its lock before the 15 minutes are up."""

    list_display = ["username", "address", "created"]
    search_fields = ["username", "address"]
    readonly_fields = ["username", "address", "created"]

    def has_add_permission(self, request):
        return False
