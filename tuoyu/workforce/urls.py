"""Workforce's routes: pages under /workforce/ and the API's resources (mounted under /api/v1/).

Each audience's pages are a package with one module per subject (views_institution/staff.py …)."""

from django.urls import path

from . import api
from .views_government import experts as expert_views
from .views_government import overview as overview_views
from .views_government import training as course_views
from .views_institution import staff as staff_views
from .views_institution import training as training_views

app_name = "workforce"

urlpatterns = [
    # --- the institution's staff and certificates (operator) ---
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/new/", staff_views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/end/", staff_views.staff_end, name="staff_end"),
    path("staff/<int:pk>/reopen/", staff_views.staff_reopen, name="staff_reopen"),
    path("staff/<int:pk>/class/", staff_views.staff_class, name="staff_class"),
    path("staff/<int:pk>/certificates/new/", staff_views.certificate_new, name="certificate_new"),
    path("certificates/<int:pk>/scan/", staff_views.certificate_scan, name="certificate_scan"),
    path("certificates/<int:pk>/remove/", staff_views.certificate_remove, name="certificate_remove"),
    # --- the institution's training (operator) ---
    path("training/", training_views.training, name="training"),
    path("training/courses/<int:pk>/enrol/", training_views.enrol, name="training_enrol"),
    path("training/enrolments/<int:pk>/withdraw/", training_views.withdraw, name="training_withdraw"),
    # --- officials: rates, ratios, flags, Excel ---
    path("", overview_views.overview, name="overview"),
    path("export.xlsx", overview_views.overview_xlsx, name="overview_xlsx"),
    path("flags/", overview_views.flags, name="flags"),
    path("flags/export.xlsx", overview_views.flags_xlsx, name="flags_xlsx"),
    # --- the district's courses (commission, guidance centre) ---
    path("courses/", course_views.course_list, name="courses"),
    path("courses/new/", course_views.course_new, name="course_new"),
    path("courses/<int:pk>/", course_views.course_detail, name="course"),
    path("courses/<int:pk>/edit/", course_views.course_edit, name="course_edit"),
    path(
        "courses/<int:pk>/publish/", course_views.course_action, {"action": "publish"}, name="course_publish"
    ),
    path("courses/<int:pk>/close/", course_views.course_action, {"action": "close"}, name="course_close"),
    path("courses/<int:pk>/cancel/", course_views.course_cancel, name="course_cancel"),
    path("courses/<int:pk>/attendance/", course_views.course_attendance, name="course_attendance"),
    path(
        "courses/<int:pk>/attendance.xlsx", course_views.course_attendance_xlsx, name="course_attendance_xlsx"
    ),
    # --- the expert pool (commission) ---
    path("experts/", expert_views.experts, name="experts"),
    path("experts/new/", expert_views.expert_new, name="expert_new"),
    path("experts/export.xlsx", expert_views.experts_xlsx, name="experts_xlsx"),
    path("experts/<int:pk>/", expert_views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/retire/", expert_views.expert_retire, name="expert_retire"),
    path("experts/<int:pk>/reinstate/", expert_views.expert_reinstate, name="expert_reinstate"),
]

api_urlpatterns = [
    # --- staff and certificates ---
    path("workforce/staff/", api.StaffListAPI.as_view(), name="workforce_staff"),
    path("workforce/staff/<int:pk>/", api.StaffDetailAPI.as_view(), name="workforce_staff_member"),
    path(
        "workforce/staff/<int:pk>/certificates/",
        api.StaffCertificateListAPI.as_view(),
        name="workforce_staff_certificates",
    ),
    path(
        "workforce/certificates/<int:pk>/", api.CertificateDetailAPI.as_view(), name="workforce_certificate"
    ),
    # --- courses and attendance ---
    path("workforce/courses/", api.CourseListAPI.as_view(), name="workforce_courses"),
    path("workforce/courses/<int:pk>/", api.CourseDetailAPI.as_view(), name="workforce_course"),
    path(
        "workforce/courses/<int:pk>/publish/", api.CoursePublishAPI.as_view(), name="workforce_course_publish"
    ),
    path("workforce/courses/<int:pk>/close/", api.CourseCloseAPI.as_view(), name="workforce_course_close"),
    path("workforce/courses/<int:pk>/cancel/", api.CourseCancelAPI.as_view(), name="workforce_course_cancel"),
    path(
        "workforce/courses/<int:pk>/enrolments/",
        api.CourseEnrolmentListAPI.as_view(),
        name="workforce_course_enrolments",
    ),
    path(
        "workforce/courses/<int:pk>/attendance/",
        api.CourseAttendanceAPI.as_view(),
        name="workforce_course_attendance",
    ),
    # --- experts ---
]
