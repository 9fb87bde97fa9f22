from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """Each person's starting page: a family's 我的办件 and an official's workspace.

    It sits above every service app and reads their selectors; no app imports it (import contract)."""

    name = "tuoyu.workspace"
    verbose_name = _("Workspaces")
