"""The demo commune gets a plan with phases and a task table, activities, a submitted third-quarter
report and a commendation — once, however often it is seeded."""

from binhdan.campaigns.demo import seed_campaigns
from binhdan.campaigns.models import Activity, Commendation, Plan, Report
from binhdan.core.demo import make_organisations


def test_the_demo_commune_has_a_plan_activities_a_report_and_a_commendation(scenario):
    make_organisations(scenario.c11)
    result = seed_campaigns(scenario.c11, seed=3)
    plan = Plan.objects.get(unit=scenario.c11)
    assert plan.phases.count() == 3 and plan.tasks.count() == 8
    assert plan.tasks.filter(lead_organisations__kind="police").exists()
    kinds = set(Activity.objects.filter(commune=scenario.c11).values_list("kind", flat=True))
    assert {"loudspeaker"} <= kinds and result["activities"] > 10
    report = Report.objects.get(unit=scenario.c11)
    assert report.status == "submitted" and report.on_time and report.period.number == 3
    assert report.figures["activities"]["total"]["count"] > 0
    assert Commendation.objects.filter(commune=scenario.c11, status="approved").count() == 1
    seed_campaigns(scenario.c11, seed=3)
    assert Plan.objects.count() == 1 and Report.objects.count() == 1 and Commendation.objects.count() == 2
