"""Who may see and do what with subsidies, decided once (the object rules).

- The commission (capabilities.SUBSIDY_MANAGERS) sees every period, entitlement and payment.
- Finance: a department officer of the finance department (settings.TUOYU_FINANCE_DEPARTMENT_CODE)
  sees every entitlement and payment, approves and records payments, never edits an amount.
- An operator sees and answers only the entitlements of institutions they belong to.
- Other officials see the aggregates and the §13 lists, never an entitlement's lines (children's names).
"""

from tuoyu.accounts import capabilities
from tuoyu.institutions.selectors import institutions_of

from ..models import Entitlement, Payment

# The rule is the accounts' capability (the menu asks it too); named here with the other object rules.
is_finance_officer = capabilities.is_finance_officer


def sees_all_entitlements(user) -> bool:
    return capabilities.can_manage_subsidies(user) or is_finance_officer(user)


def entitlements_for(user):
    """The entitlements a person may open: all for the commission and finance, their own institutions'
    for an operator, none for anyone else."""
    entitlements = Entitlement.objects.select_related("period", "institution")
    if sees_all_entitlements(user):
        return entitlements
    if capabilities.claims_subsidies(user):
        return entitlements.filter(institution__in=institutions_of(user))
    return entitlements.none()


def payments_for(user):
    payments = Payment.objects.select_related(
        "entitlement__period", "entitlement__institution", "recorded_by"
    )
    if sees_all_entitlements(user):
        return payments
    if capabilities.claims_subsidies(user):
        return payments.filter(entitlement__institution__in=institutions_of(user))
    return payments.none()


def may_claim(user, entitlement: Entitlement) -> bool:
    """The operator of the entitlement's institution confirms or disputes it."""
    return (
        capabilities.claims_subsidies(user)
        and institutions_of(user).filter(pk=entitlement.institution_id).exists()
    )
