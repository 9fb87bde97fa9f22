"""Supervision's routes: pages under /inspections/ and the API's resources (mounted under /api/v1/)."""

from django.urls import path

from . import api, views_inspector, views_institution
from .views_government import findings, plans
from .views_public import draws, results

app_name = "inspections"

urlpatterns = [
    # --- plans and draws (government) ---
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/draw/", plans.plan_draw, name="plan_draw"),
    path("plans/<int:pk>/redraw/", plans.plan_redraw, name="plan_redraw"),
    path("plans/<int:pk>/close/", plans.plan_close, name="plan_close"),
    path("plans/<int:pk>/cancel/", plans.plan_cancel, name="plan_cancel"),
    path("roster/", plans.roster, name="roster"),
    path("roster/links/new/", plans.link_new, name="link_new"),
    # --- the public draw pages: the draw, its re-run, the method ---
    path("draws/<int:pk>/", draws.draw_detail, name="draw"),
    path("draws/<int:pk>.json", draws.draw_json, name="draw_json"),
    path("draws/rerun/", draws.draw_rerun, name="draw_rerun"),
    path("draws/method/", draws.draw_method, name="draw_method"),
    path("draws/verify_draw.py", draws.draw_script, name="draw_script"),
    # --- the inspector on site ---
    path("mine/", views_inspector.my_inspections, name="my"),
    path("<int:pk>/", views_inspector.record, name="record"),
    path("<int:pk>/photos/<int:photo_pk>/", views_inspector.photo, name="photo"),
    path("<int:pk>/inspect/", views_inspector.inspect, name="inspect"),
    path("<int:pk>/inspect/photo/", views_inspector.inspect_photo, name="inspect_photo"),
    path("<int:pk>/inspect/sign/", views_inspector.inspect_sign, name="inspect_sign"),
    path("<int:pk>/inspect/submit/", views_inspector.inspect_submit, name="inspect_submit"),
    # --- findings and rectification (government) ---
    path("", findings.oversight, name="oversight"),
    path("findings/", findings.findings, name="findings"),
    path("findings/export.xlsx", findings.findings_xlsx, name="findings_xlsx"),
    path("findings/<int:pk>/", findings.finding, name="finding"),
    path(
        "findings/<int:pk>/evidence/<int:rectification_pk>/",
        findings.evidence_file,
        name="evidence_file",
    ),
    path("findings/<int:pk>/accept/", findings.finding_accept, name="finding_accept"),
    path("findings/<int:pk>/return/", findings.finding_return, name="finding_return"),
    path("findings/<int:pk>/reinspect/", findings.finding_reinspect, name="finding_reinspect"),
    path(
        "findings/<int:pk>/reinspection/",
        findings.finding_reinspection_record,
        name="finding_reinspection_record",
    ),
    path("findings/<int:pk>/suspend/", findings.finding_suspend, name="finding_suspend"),
    path("suspensions/<int:pk>/lift/", findings.suspension_lift, name="suspension_lift"),
    # --- the institution ---
    path("institution/", views_institution.institution_inspections, name="institution_inspections"),
    path(
        "institution/findings/<int:pk>/",
        views_institution.institution_finding,
        name="institution_finding",
    ),
    # --- public results (一公开) ---
    path("results/", results.result_list, name="results"),
    path("results/<int:pk>/", results.result_detail, name="result"),
    path("results/<int:pk>/publish/", results.result_publish, name="result_publish"),
]

api_urlpatterns = [
    # --- plans, draws (with verification), inspections, findings, rectifications ---
    path("inspection-plans/", api.PlanListAPI.as_view(), name="inspection_plans"),
    path("inspection-plans/<int:pk>/", api.PlanDetailAPI.as_view(), name="inspection_plan"),
    path("draws/<int:pk>/", api.DrawDetailAPI.as_view(), name="draw"),
    path("draws/<int:pk>/verify/", api.DrawVerifyAPI.as_view(), name="draw_verify"),
    path("inspections/", api.InspectionListAPI.as_view(), name="inspections"),
    path("inspections/<int:pk>/publish/", api.InspectionPublishAPI.as_view(), name="inspection_publish"),
    path("inspection-results/", api.ResultListAPI.as_view(), name="inspection_results"),
    path("inspection-results/<int:pk>/", api.ResultDetailAPI.as_view(), name="inspection_result"),
    path("findings/", api.FindingListAPI.as_view(), name="findings"),
    path(
        "findings/<int:pk>/rectifications/", api.RectificationListAPI.as_view(), name="finding_rectifications"
    ),
]
