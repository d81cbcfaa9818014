from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "binhdan.kpi"
    label = "kpi"
    verbose_name = _("Indicators and targets")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from binhdan.kpi.facts import forget_skills

        post_save.connect(forget_skills, sender="learning.Skill", dispatch_uid="kpi_forget_skills_save")
        post_delete.connect(forget_skills, sender="learning.Skill", dispatch_uid="kpi_forget_skills_delete")
        post_save.connect(forget_skills, sender="learning.Level", dispatch_uid="kpi_forget_levels_save")
        post_delete.connect(forget_skills, sender="learning.Level", dispatch_uid="kpi_forget_levels_delete")
