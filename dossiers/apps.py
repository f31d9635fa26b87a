from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Proposal dossiers")

    def ready(self) -> None:
        from documents.registry import register
        from dossiers.documents import LETTER_KIND, REPORT_KIND

        register(LETTER_KIND)
        register(REPORT_KIND)
