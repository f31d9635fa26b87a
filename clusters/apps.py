from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Emulation clusters and blocks")

    def ready(self) -> None:
        from clusters.documents import COVENANT_KIND, MINUTES_KIND
        from documents.registry import register

        register(COVENANT_KIND)
        register(MINUTES_KIND)
