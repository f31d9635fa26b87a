from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = _("Votes")

    def ready(self) -> None:
        from documents.registry import register
        from votes.minutes import KIND

        register(KIND)
