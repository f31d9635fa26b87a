from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistical and year-end reports")

    def ready(self) -> None:
        from documents.registry import register
        from reports.yearend import KIND

        register(KIND)
