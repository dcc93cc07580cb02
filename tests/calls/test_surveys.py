"""Surveys behind an unguessable, expiring, single-use link: one per survey call, only the
token's hash stored, an answer stored once (SPEC §6, §7)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import Survey, survey_token_hash
from calls.services.surveys import survey_answer, survey_find, survey_invite_for_call
from core.errors import ServiceError
from tests.calls.helpers import plan_call, race, the_winner
from tests.factories import CustomerFactory


def _answer_fields(survey) -> tuple:
    kept = Survey.objects.get(pk=survey.pk)
    return (kept.answered_at, kept.csat, kept.comment, kept.would_return)


def _invite(customer, django_capture_on_commit_callbacks):
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    with django_capture_on_commit_callbacks(execute=True):
        return call, survey_invite_for_call(task=call)


# ---- the invitation --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_survey_call_gets_one_survey_and_one_email_however_often_it_is_invited(
    customer, django_capture_on_commit_callbacks
):
    call, survey = _invite(customer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = survey_invite_for_call(task=call)

    assert again.pk == survey.pk
    assert Survey.objects.filter(customer=customer).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert message.subject == "How did we do?"
    assert f"{settings.SITE_URL}/survey/{survey.token}/" in message.body
    assert Survey.objects.get(pk=survey.pk).emailed_at is not None


@pytest.mark.django_db
def test_only_the_hash_of_the_survey_token_is_stored(customer, django_capture_on_commit_callbacks):
    _call, survey = _invite(customer, django_capture_on_commit_callbacks)

    row = Survey.objects.filter(pk=survey.pk).values().get()
    assert row["token_hash"] == survey_token_hash(survey.token)
    assert survey.token not in str(row)
    assert len(survey.token) >= 32
    assert survey_find(token=survey.token) == (Survey.objects.get(pk=survey.pk), "ok")


@pytest.mark.django_db
def test_a_customer_without_an_email_gets_a_survey_but_no_email(
    django_capture_on_commit_callbacks,
):
    customer = CustomerFactory(email="")
    _call, survey = _invite(customer, django_capture_on_commit_callbacks)
    assert Survey.objects.get(pk=survey.pk).emailed_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_every_survey_link_is_different(django_capture_on_commit_callbacks):
    tokens = {
        _invite(CustomerFactory(), django_capture_on_commit_callbacks)[1].token for _ in range(5)
    }
    assert len(tokens) == 5


# ---- the answer ------------------------------------------------------------------------------


@pytest.fixture
def invited(customer, django_capture_on_commit_callbacks):
    return _invite(customer, django_capture_on_commit_callbacks)[1]


@pytest.mark.django_db
def test_an_answer_is_stored(invited, clock):
    answered = survey_answer(
        token=invited.token, csat=4, comment="  Quick and kind.  ", would_return=True
    )
    assert answered.pk == invited.pk
    assert _answer_fields(invited) == (timezone.now(), 4, "Quick and kind.", True)


@pytest.mark.django_db
def test_a_second_answer_is_refused_and_the_first_kept(invited):
    survey_answer(token=invited.token, csat=5, comment="Great")
    first = _answer_fields(invited)
    with pytest.raises(ServiceError) as refused:
        survey_answer(token=invited.token, csat=1, comment="Changed my mind")
    assert refused.value.code == "answered"
    assert _answer_fields(invited) == first


@pytest.mark.django_db
def test_an_expired_link_is_refused(invited, clock):
    clock.shift(timedelta(days=settings.SURVEY_LINK_DAYS) - timedelta(seconds=1))
    assert survey_find(token=invited.token)[1] == "ok"
    clock.shift(timedelta(seconds=1))
    with pytest.raises(ServiceError) as refused:
        survey_answer(token=invited.token, csat=3)
    assert refused.value.code == "expired"
    assert _answer_fields(invited) == (None, None, "", None)


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 43])
def test_an_unknown_link_is_refused(invited, token):
    with pytest.raises(ServiceError) as refused:
        survey_answer(token=token, csat=3)
    assert refused.value.code == "unknown"
    assert _answer_fields(invited) == (None, None, "", None)


@pytest.mark.django_db
@pytest.mark.parametrize("csat", [0, 6, -1, None, "5", 4.5])
def test_a_score_outside_one_to_five_is_refused(invited, csat):
    with pytest.raises(ServiceError) as refused:
        survey_answer(token=invited.token, csat=csat)
    assert refused.value.code == "csat"
    assert _answer_fields(invited) == (None, None, "", None)
    survey_answer(token=invited.token, csat=1)  # and the link still works
    assert _answer_fields(invited)[1] == 1


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_store_exactly_one(customer):
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    survey = survey_invite_for_call(task=call)
    scores = [2, 5]

    outcomes = race(
        *[
            lambda csat=csat: survey_answer(token=survey.token, csat=csat, comment=f"{csat}")
            for csat in scores
        ],
        hold=Survey.objects.filter(pk=survey.pk),
    )

    winner = the_winner(outcomes)
    assert outcomes[1 - winner].error.code == "answered"
    kept = Survey.objects.get(pk=survey.pk)
    assert (kept.csat, kept.comment) == (scores[winner], str(scores[winner]))
    assert kept.answered_at is not None
