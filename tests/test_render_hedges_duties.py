"""What a reviewer found the page misstating, each pinned down: duties the policy places
on others read as duties of that party, with consent and notice owed to the people the
data is about (never "your consent"); every hedge the format allows stands next to what
it qualifies (statements, their legal bases, retention rules, change and breach notices,
the response to a right); and the smaller wordings read as the data says (who deletes,
"or until", "and only", what "transmit" goes to)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pypolicy.core.version import FORMAT_VERSION
from pypolicy.format.loader import load_path
from pypolicy.format.model import Policy
from pypolicy.format.schema import violations
from pypolicy.rendering import render
from pypolicy.rendering.phrases.protections import right_sentences
from pypolicy.rendering.phrases.retention import retention_period, retention_sentences
from pypolicy.rendering.phrases.statements import statement_sentence

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "examples" / "handwritten" / "minimal.yaml"
SYNTHETIC = ROOT / "examples" / "synthetic"

Edit = Callable[[dict[str, Any]], None]


@cache
def _loaded(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_path(path).data
    return data


def policy_with(edit: Edit, path: Path = MINIMAL) -> Policy:
    data = copy.deepcopy(_loaded(path))
    data["formatVersion"] = FORMAT_VERSION
    edit(data)
    assert violations(data) == [], violations(data)[:2]
    return Policy.from_dict(data)


def flat(text: str) -> str:
    return " ".join(text.split())


def by_id(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in items if i["id"] == item_id)
    return found


def said(policy: Policy, statement_id: str) -> str:
    return statement_sentence(policy, next(s for s in policy.statements
                                           if s.id == statement_id))


def rule_said(policy: Policy, rule_id: str) -> str:
    return " ".join(retention_sentences(policy, next(r for r in policy.retention
                                                     if r.id == rule_id)))


# ------------------------------------------------------------------ duties of others


def _contacts_duty(actor_roles: list[str], duty: str = "termsDuty",
                   modality: str = "onlyIf", conditions: tuple[str, ...] = ("withConsent",),
                   ) -> Edit:
    """A customer's duty about the contact lists they upload."""
    def edit(data: dict[str, Any]) -> None:
        data["parties"].append({"id": "p-uploader", "name": "customers who upload contacts",
                                "roles": actor_roles})
        data["dataCategories"].append({"id": "d-contacts", "name": "uploaded contacts",
                                       "categories": ["contactList"],
                                       "subjects": ["contactPerson"]})
        statement = {"id": "s-duty", "modality": modality, "actors": ["p-uploader"],
                     "actions": ["share"], "data": ["d-contacts"], "duty": duty}
        if conditions:
            statement["conditions"] = list(conditions)
        data["statements"].append(statement)
    return edit


def test_a_duty_to_obtain_consent_is_the_actors_duty_to_the_people_concerned() -> None:
    policy = policy_with(_contacts_duty(["serviceUser"]))
    assert said(policy, "s-duty") == (
        "You must get the consent of people in contact lists before you share uploaded "
        "contacts, under our terms.")


def test_a_duty_of_a_named_party_keeps_its_name_and_agreement() -> None:
    policy = policy_with(_contacts_duty(["customerOrganisation"]))
    assert said(policy, "s-duty") == (
        "Customers who upload contacts must get the consent of people in contact lists "
        "before they share uploaded contacts, under our terms.")


def test_a_duty_to_tell_people_first() -> None:
    policy = policy_with(_contacts_duty(["customerOrganisation"], "legalDuty",
                                        conditions=("withNotice",)))
    assert said(policy, "s-duty") == (
        "Customers who upload contacts must tell people in contact lists before they "
        "share uploaded contacts, as the law requires.")


def test_the_people_concerned_when_the_data_names_nobody() -> None:
    def edit(data: dict[str, Any]) -> None:
        _contacts_duty(["customerOrganisation"])(data)
        by_id(data["dataCategories"], "d-contacts").pop("subjects")

    assert "must get the consent of the people concerned before they share" in \
        said(policy_with(edit), "s-duty")


def test_a_duty_the_actors_decide_themselves_owes_notice_to_the_people_concerned() -> None:
    policy = policy_with(_contacts_duty(["customerOrganisation"], "ownResponsibility",
                                        "may", ("withNotice",)))
    sentence = said(policy, "s-duty")
    assert sentence == ("Customers who upload contacts may share uploaded contacts after "
                        "telling people in contact lists, as their own decision and "
                        "responsibility.")
    assert "you" not in sentence.lower().split()


def test_a_contractual_duty_of_the_reader_is_their_contract() -> None:
    policy = policy_with(_contacts_duty(["serviceUser"], "contractualDuty"))
    assert said(policy, "s-duty").endswith(", under your contract with us.")


def test_a_duty_not_to_act() -> None:
    policy = policy_with(_contacts_duty(["customerOrganisation"], modality="doesNot",
                                        conditions=()))
    assert said(policy, "s-duty") == ("Customers who upload contacts must not share "
                                      "uploaded contacts, under our terms.")


def test_the_providers_own_consent_condition_is_still_the_readers() -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-share-payment").update(
        modality="onlyIf", conditions=["withConsent"]))
    assert said(policy, "s-share-payment").endswith("only with your consent.")


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
@pytest.mark.parametrize("audience", ["reader", "reviewer"])
def test_anveos_duty_on_every_page(fmt: Any, audience: Any) -> None:
    page = flat(render(Policy.from_dict(_loaded(ROOT / "examples" / "anveo.policy.json")),
                       fmt, audience))
    assert "You must get the consent of people in contact lists before you share PII " \
           "information for other people or businesses, under our terms." in page
    assert "only with your consent, under our terms" not in page


@pytest.mark.parametrize("fmt", ["markdown", "html", "text"])
def test_kestrels_duties_on_every_page(fmt: Any) -> None:
    page = flat(render(Policy.from_dict(_loaded(SYNTHETIC / "kestrel.policy.json")), fmt))
    assert "Business customers must get the consent of people in contact lists before " \
           "they share contact lists uploaded to the portal, under our terms." in page
    assert "Business customers must tell the people concerned before they record the " \
           "content of the calls carried, under our terms." in page
    assert "notifying you" not in page


# ------------------------------------------------------------------ hedges: statements


@pytest.mark.parametrize(("hedge", "modality", "start"), [
    ("usually", "does", "We usually share payment card details"),
    ("mostly", "does", "We share most of the payment card details"),
    ("inSomeCases", "does", "In some cases, we share payment card details"),
    ("wherePossible", "does", "Where possible, we share payment card details"),
    ("usually", "may", "Usually, we may share payment card details"),
    ("usually", "doesNot", "We usually do not share payment card details"),
])
def test_a_statements_hedge_qualifies_its_verb_or_clause(hedge: str, modality: str,
                                                         start: str) -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-share-payment").update(
        qualifier=hedge, modality=modality))
    assert said(policy, "s-share-payment").startswith(start)


def test_approximately_has_no_number_in_a_statement_and_comes_last() -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-share-payment").update(
        qualifier="approximately"))
    assert said(policy, "s-share-payment").endswith("(approximately).")


@pytest.mark.parametrize(("hedge", "words"), [
    ("usually", "We use account details, usually on the basis of a contract with you."),
    ("inSomeCases", "We use account details, in some cases on the basis of a contract "
                    "with you."),
])
def test_a_hedge_on_a_statement_of_legal_bases_qualifies_the_bases(hedge: str,
                                                                  words: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["statements"].append({"id": "s-bases", "modality": "does", "actions": ["use"],
                                   "data": ["d-account"], "legalBases": ["contract"],
                                   "qualifier": hedge})

    assert said(policy_with(edit), "s-bases") == words


def test_a_hedge_on_a_statement_with_purposes_stays_on_the_verb() -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-collect-account").update(
        qualifier="usually"))
    assert said(policy, "s-collect-account").startswith("We usually collect account details")


# ------------------------------------------------------------------ hedges: retention


def _rule(**fields: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data["retention"] = [{"id": "r-x", "data": ["d-account"], **fields}]
    return edit


def test_where_possible_qualifies_the_deletion_not_the_keeping() -> None:
    policy = policy_with(_rule(criteria=["purposeFulfilled"], afterwards="deleted",
                               qualifier="wherePossible"))
    words = rule_said(policy, "r-x")
    assert words == ("We keep account details as long as we need them for the purposes for "
                     "which we collected them. After that, where possible, we delete them.")
    assert not words.startswith("Where possible")
    label = retention_period(policy.retention[0])
    assert label == "as long as needed for the purposes, then deleted where possible"


def test_where_possible_without_a_deletion_qualifies_the_limit() -> None:
    policy = policy_with(_rule(duration="P30D", qualifier="wherePossible"))
    assert rule_said(policy, "r-x") == ("We keep account details for 30 days, and where "
                                        "possible no longer.")
    assert retention_period(policy.retention[0]) == "30 days, and where possible no longer"


@pytest.mark.parametrize(("fields", "words", "label"), [
    ({"period": {"atMost": "P30D"}, "qualifier": "usually"},
     "We usually keep account details for up to 30 days.", "usually up to 30 days"),
    ({"duration": "P90D", "qualifier": "approximately"},
     "We keep account details for about 90 days.", "about 90 days"),
    ({"duration": "P1Y", "qualifier": "mostly"},
     "We keep most of the account details for one year.", "mostly 1 year"),
    ({"period": {"atLeast": "P7Y"}, "qualifier": "inSomeCases", "imposedBy": ["taxLaw"]},
     "In some cases, we keep account details for at least seven years, as tax and "
     "accounting law requires.",
     "in some cases at least 7 years, as tax and accounting law requires"),
    ({"criteria": ["purposeFulfilled"], "qualifier": "approximately"},
     "We keep account details as long as we need them for the purposes for which we "
     "collected them (approximately).", "about as long as needed for the purposes"),
])
def test_each_retention_hedge_stands_by_what_it_qualifies(fields: dict[str, Any], words: str,
                                                          label: str) -> None:
    policy = policy_with(_rule(**fields))
    assert rule_said(policy, "r-x") == words
    assert retention_period(policy.retention[0]) == label


def test_until_the_customer_deletes_it_is_an_alternative_end() -> None:
    policy = policy_with(_rule(period={"atMost": "P180D"},
                               criteria=["customerConfigured", "untilDeletedByUser"]))
    assert rule_said(policy, "r-x") == (
        "We keep account details for up to 180 days or until the customer deletes them. "
        "How long is set by the customer.")


def test_until_you_delete_it_when_nobody_else_sets_the_period() -> None:
    policy = policy_with(_rule(criteria=["untilDeletedByUser"]))
    assert rule_said(policy, "r-x") == "We keep account details until you delete them."


def test_a_rule_whose_only_criterion_is_who_sets_the_period_names_its_data() -> None:
    policy = policy_with(_rule(criteria=["customerConfigured"]))
    assert rule_said(policy, "r-x") == "How long we keep account details is set by the " \
                                       "customer."


# ------------------------------------------------------------------ hedges: notices, rights


@pytest.mark.parametrize(("changes", "words"), [
    ({"notices": ["emailNotice"], "qualifier": "usually"},
     "We usually announce changes to this policy by email."),
    ({"notices": ["emailNotice"], "qualifier": "inSomeCases"},
     "In some cases, we announce changes to this policy by email."),
    ({"notices": ["emailNotice"], "qualifier": "approximately"},
     "We announce changes to this policy by email (approximately)."),
    ({"notices": ["postedOnline"],
      "qualifiedNotices": [{"notice": "emailNotice", "qualifier": "inSomeCases"}]},
     "In some cases, we also announce them by email."),
    ({"qualifiedNotices": [{"notice": "emailNotice", "qualifier": "usually"}]},
     "We usually announce changes to this policy by email."),
])
def test_change_notice_hedges(changes: dict[str, Any], words: str) -> None:
    policy = policy_with(lambda d: d.update(changes=changes))
    assert words in flat(render(policy, "text"))


@pytest.mark.parametrize(("hedge", "words"), [
    ("usually", "If a data breach affects personal data, we usually notify the people "
                "affected."),
    ("wherePossible", "If a data breach affects personal data, where possible, we notify "
                      "the people affected."),
    ("approximately", "If a data breach affects personal data, we notify the people "
                      "affected (approximately)."),
])
def test_breach_notice_hedges(hedge: str, words: str) -> None:
    policy = policy_with(lambda d: d.update(breachNotification={
        "modality": "does", "notifies": ["notifyDataSubjects"], "qualifier": hedge}))
    assert words in flat(render(policy, "text"))


def test_a_may_breach_notice_keeps_the_hedge_after_its_modal() -> None:
    policy = policy_with(lambda d: d.update(breachNotification={
        "modality": "may", "notifies": ["notifyDataSubjects"], "qualifier": "usually"}))
    assert "we may usually notify the people affected." in flat(render(policy, "text"))


@pytest.mark.parametrize(("fields", "words"), [
    ({"responseTime": "P1M", "qualifier": "usually"}, "We usually respond within one month."),
    ({"responseTime": "P1M", "qualifier": "approximately"},
     "We respond within about one month."),
    ({"responseTime": "P1M", "qualifier": "wherePossible"},
     "Where possible, we respond within one month."),
    ({"qualifier": "usually"}, "We usually respond to requests."),
])
def test_response_time_hedges(fields: dict[str, Any], words: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        access = by_id(data["rights"], "rt-access")
        access.pop("responseTime", None)
        access.update(fields)

    policy = policy_with(edit)
    access = next(r for r in policy.rights if r.id == "rt-access")
    assert words in right_sentences(access)


# ------------------------------------------------------------------ other wordings


def test_transmitting_goes_to_its_recipients() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["statements"].append({"id": "s-carry", "modality": "does",
                                   "actions": ["transmit"], "data": ["d-call-records"],
                                   "recipients": ["p-police"]})

    assert said(policy_with(edit), "s-carry") == ("We transmit call records to the police and "
                                                  "other authorities.")


def test_disclosing_verbs_come_last_before_their_recipients() -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-share-payment").update(
        actions=["share", "collect"]))
    assert said(policy, "s-share-payment").startswith(
        "We collect and share payment card details with")


def test_a_second_only_is_joined_by_and() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["statements"].append({"id": "s-local", "modality": "onlyIf",
                                   "actions": ["analyse"], "data": ["d-account"],
                                   "systems": ["onUserDevice"], "exhaustive": ["systemList"],
                                   "conditions": ["enabledByUser"]})

    assert said(policy_with(edit), "s-local") == (
        "We analyse account details only on your device and only when you turn on the "
        "feature.")


def test_only_officers_contacts_are_the_privacy_contacts() -> None:
    def edit(data: dict[str, Any]) -> None:
        data["provider"].pop("contacts", None)
        data["officers"] = [{"appointed": True, "officerRole": "privacyOfficer",
                             "contacts": [{"channel": "email",
                                           "value": "privacy@example.net"}]}]
        data.pop("dataProtectionOfficer", None)
        data.pop("representative", None)

    page = flat(render(policy_with(edit), "text"))
    assert "For privacy matters, this policy gives only the contact details below." in page
    assert "gives no contact details" not in page


def test_a_change_procedure_that_says_nothing_more_is_said_to() -> None:
    policy = policy_with(lambda d: d.update(changes={"evidence": [
        {"quote": "We may change this policy."}]}))
    assert "This policy says it may change, but not how changes are made known." in \
        flat(render(policy, "text"))


def test_the_label_keeps_a_rights_hedge() -> None:
    def edit(data: dict[str, Any]) -> None:
        by_id(data["rights"], "rt-access")["rightQualifier"] = "mostly"

    page = flat(render(policy_with(edit), "text"))
    assert "Your rights: Access (mostly)" in page


def test_a_right_also_granted_without_a_hedge_has_none_in_the_label() -> None:
    def edit(data: dict[str, Any]) -> None:
        by_id(data["rights"], "rt-access")["rightQualifier"] = "mostly"
        data["rights"].append({"id": "rt-access-2", "right": "access"})

    page = flat(render(policy_with(edit), "text"))
    assert "Access (mostly)" not in page


def test_actions_given_as_examples_say_so() -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-collect-call-records").update(
        illustrative=["actionList"]))
    assert said(policy, "s-collect-call-records").startswith(
        "We collect and store (among other things) call records")


@pytest.mark.parametrize(("trigger", "words"), [
    ("whenPurchasing", "when you order or pay for something"),
    ("whenVisitingWebsite", "when you visit our website"),
    ("whenSupportContacted", "when you contact us or our support"),
    ("whenAccountCreated", "when an account is created"),
])
def test_triggers_say_who_does_what(trigger: str, words: str) -> None:
    policy = policy_with(lambda d: by_id(d["statements"], "s-collect-account").update(
        conditions=[trigger]))
    assert said(policy, "s-collect-account").endswith(f" {words}.")


def test_a_single_party_bound_by_contract_has_its_contract() -> None:
    policy = policy_with(_contacts_duty(["serviceProvider"], "contractualDuty", "onlyIf",
                                        ("onProviderInstructions",)))
    # "customers who upload contacts" reads plural; a singular name reads "its"
    def singular(data: dict[str, Any]) -> None:
        _contacts_duty(["serviceProvider"], "contractualDuty", "onlyIf",
                       ("onProviderInstructions",))(data)
        by_id(data["parties"], "p-uploader")["name"] = "our hosting vendor"

    assert said(policy, "s-duty").endswith(", under their contract with us.")
    assert said(policy_with(singular), "s-duty") == (
        "Our hosting vendor must share uploaded contacts only on our instructions, under its "
        "contract with us.")


def test_a_duty_not_to_act_except_with_consent_owes_it_to_the_people_concerned() -> None:
    def edit(data: dict[str, Any]) -> None:
        _contacts_duty(["serviceUser"], modality="doesNot", conditions=())(data)
        by_id(data["statements"], "s-duty")["exceptions"] = ["withConsent"]

    assert said(policy_with(edit), "s-duty") == (
        "You must not share uploaded contacts, except with the consent of people in contact "
        "lists, under our terms.")


def test_a_cookie_kind_set_only_with_consent_on_a_site_that_may_use_cookies() -> None:
    policy = policy_with(lambda d: d.update(tracking={
        "modality": "may", "technologies": ["cookies"], "cookieKinds": ["analyticsCookies"],
        "consentRequiredFor": ["analyticsCookies"]}))
    page = flat(render(policy, "text"))
    assert "Analytics cookies (only with your consent; possibly)" in page
