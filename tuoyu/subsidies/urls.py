"""Subsidies' routes: pages under /subsidies/ and the API's resources (mounted under /api/v1/)."""

from django.urls import path

from . import api
from .views_government import approvals as approval_views
from .views_government import budget as budget_views
from .views_government import dashboard as dashboard_views
from .views_government import ledger as ledger_views
from .views_government import lists as list_views
from .views_government import periods as period_views
from .views_government import profiles as profile_views
from .views_government import whatif as whatif_views
from .views_institution import entitlements as entitlement_views
from .views_public import public as public_views

app_name = "subsidies"

urlpatterns = [
    # --- rules and periods (the commission): propose a period ---
    path("periods/", period_views.periods, name="periods"),
    path("periods/<int:pk>/", period_views.period, name="period"),
    path("periods/<int:pk>/propose/", period_views.period_propose_view, name="period_propose"),
    path("periods/<int:pk>/export.xlsx", period_views.period_xlsx, name="period_xlsx"),
    path("rules/", period_views.rules_page, name="rules"),
    # --- entitlements: the explanation, confirm / dispute / review / approve / pay, notice PDF ---
    path("mine/", entitlement_views.mine, name="mine"),
    path("entitlements/<int:pk>/", entitlement_views.entitlement, name="entitlement"),
    path(
        "entitlements/<int:pk>/confirm/",
        entitlement_views.entitlement_confirm_view,
        name="entitlement_confirm",
    ),
    path(
        "entitlements/<int:pk>/dispute/",
        entitlement_views.entitlement_dispute_view,
        name="entitlement_dispute",
    ),
    path(
        "entitlements/<int:pk>/review/", entitlement_views.entitlement_review_view, name="entitlement_review"
    ),
    path(
        "entitlements/<int:pk>/recompute/",
        entitlement_views.entitlement_recompute_view,
        name="entitlement_recompute",
    ),
    path(
        "entitlements/<int:pk>/approve/",
        entitlement_views.entitlement_approve_view,
        name="entitlement_approve",
    ),
    path("entitlements/<int:pk>/pay/", entitlement_views.entitlement_pay_view, name="entitlement_pay"),
    path("entitlements/<int:pk>/notice.pdf", entitlement_views.entitlement_notice, name="entitlement_notice"),
    path("approvals/", approval_views.approvals, name="approvals"),
    path("ledger/", ledger_views.ledger_page, name="ledger"),
    path("ledger/export.xlsx", ledger_views.ledger_xlsx, name="ledger_xlsx"),
    # --- what-if, dashboard, budget, public list, §13 lists, subsidy profiles ---
    path("", dashboard_views.dashboard_page, name="dashboard"),
    path("export.xlsx", dashboard_views.dashboard_xlsx, name="dashboard_xlsx"),
    path("budget/", budget_views.budget, name="budget"),
    path("whatif/", whatif_views.whatif_page, name="whatif"),
    path("public/", public_views.public_page, name="public"),
    path("lists/utilities/", list_views.utilities, name="lists_utilities"),
    path("lists/utilities/export.xlsx", list_views.utilities_xlsx, name="lists_utilities_xlsx"),
    path("lists/rent-free/", list_views.rent_free, name="lists_rent_free"),
    path("lists/rent-free/export.xlsx", list_views.rent_free_xlsx, name="lists_rent_free_xlsx"),
    path("profiles/<int:institution_pk>/", profile_views.profile, name="profile"),
]

api_urlpatterns = [
    # --- rules and periods ---
    path("subsidies/rules/", api.SubsidyRulesAPI.as_view(), name="subsidies-rules"),
    path("subsidies/periods/", api.SubsidyPeriodListAPI.as_view(), name="subsidies-periods"),
    path("subsidies/periods/<int:pk>/", api.SubsidyPeriodDetailAPI.as_view(), name="subsidies-period"),
    path(
        "subsidies/periods/<int:pk>/propose/",
        api.SubsidyPeriodProposeAPI.as_view(),
        name="subsidies-period-propose",
    ),
    # --- entitlements, approvals and payments ---
    path("subsidies/entitlements/", api.EntitlementListAPI.as_view(), name="subsidies-entitlements"),
    path(
        "subsidies/entitlements/<int:pk>/",
        api.EntitlementDetailAPI.as_view(),
        name="subsidies-entitlement",
    ),
    path(
        "subsidies/entitlements/<int:pk>/confirm/",
        api.EntitlementConfirmAPI.as_view(),
        name="subsidies-entitlement-confirm",
    ),
    path(
        "subsidies/entitlements/<int:pk>/dispute/",
        api.EntitlementDisputeAPI.as_view(),
        name="subsidies-entitlement-dispute",
    ),
    path(
        "subsidies/entitlements/<int:pk>/review/",
        api.EntitlementReviewAPI.as_view(),
        name="subsidies-entitlement-review",
    ),
    path(
        "subsidies/entitlements/<int:pk>/approve/",
        api.EntitlementApproveAPI.as_view(),
        name="subsidies-entitlement-approve",
    ),
    path(
        "subsidies/entitlements/<int:pk>/payment/",
        api.EntitlementPaymentAPI.as_view(),
        name="subsidies-entitlement-payment",
    ),
    path("subsidies/payments/", api.PaymentListAPI.as_view(), name="subsidies-payments"),
    # --- budget, summary and §13 lists ---
    path("subsidies/summary/", api.SubsidySummaryAPI.as_view(), name="subsidies-summary"),
    path("subsidies/public/", api.SubsidyPublicListAPI.as_view(), name="subsidies-public"),
    path(
        "subsidies/lists/utilities/",
        api.SubsidyUtilitiesListAPI.as_view(),
        name="subsidies-lists-utilities",
    ),
    path(
        "subsidies/lists/rent-free/",
        api.SubsidyRentFreeListAPI.as_view(),
        name="subsidies-lists-rent-free",
    ),
]
