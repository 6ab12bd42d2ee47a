"""Role × URL matrix (issue #10): every URL pattern of the project, for each of nine roles.

URLS names one request per row (a URL built from the objects of tests/platform/matrix_world.py) and GET_MATRIX
says what each role gets for a GET: the page (200), a redirect to sign in, another redirect, 403, 404 or 405.
POST_MATRIX does the same for the actions behind POST-only endpoints (and a few others that change state): the
action is DONE (the database changed) or refused with the given status, and then nothing changed.

Every 200 response's text (pages, calendar feeds, CSV, the insides of XLSX and ZIP files) is searched for the
world's secret markers: a role never gets a marker it may not see (matrix_world.SECRETS), wherever it looks.

test_every_url_pattern_has_a_row fails when a URL pattern appears without a row: add one to URLS and
GET_MATRIX (and to POST_ACTIONS/POST_MATRIX for a POST-only endpoint). The admin is covered by app (ADMIN_MODELS:
one changelist and one change page per app) plus a row for each custom admin view.

SCENARIOS check what other people's actions send each role (notifications, home page, digest).

Known bugs are strict xfails, listed in GET_BUGS, POST_BUGS and SCENARIO_BUGS: when one is fixed, its cells
pass and fail as XPASS(strict) until the entry is removed.

The per-community role × view matrix (join, leave, moderation… in open, request-to-join and private communities)
is in tests/communities/test_permissions.py; this one walks the whole site with the platform's roles.
"""

import html
import io
import zipfile
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from communities.models import Membership, Notification, Post, Report
from digests.models import DigestPreference
from events.models import CalendarFeed, Registration, TopicSuggestion, TopicVote
from experts.models import Rating
from indicators.models import ProgressReport, SurveyResponse
from knowledge.models import KnowledgeProduct
from members.models import User

from . import matrix_world as mw
from .matrix_world import ROLES

pytestmark = pytest.mark.django_db

OK = "200"
LOGIN = "login"  # a redirect to the sign-in page (allauth's, or the admin's)
REDIRECT = "302"  # a redirect somewhere else (refused with a message, or sent on)
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
BAD = "400"
DONE = "done"  # POST only: accepted, and the database changed

# Short names for the tables below.
L, R, F, N, X = LOGIN, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED
ALL_OK = (OK,) * 9
SIGNED_IN = (L,) + (OK,) * 8
POST_ONLY = (X,) * 9
COORDINATORS_ONLY = (N, N, N, N, N, N, OK, N, OK)
SIGNED_IN_COORDINATORS_ONLY = (L, N, N, N, N, N, OK, N, OK)
INDICATORS = (L, F, F, F, F, F, OK, OK, OK)


@pytest.fixture(scope="module")
def world(matrix_world):
    """The matrix's world (tests/platform/conftest.py), with a signed-in session for each role."""
    matrix_world.sessions = {role: _session_of(user) for role, user in matrix_world.users.items() if user is not None}
    return matrix_world


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def _shared_client():
    # A test client loads the middleware on its first request, and WhiteNoise then indexes every static file:
    # one client for the module keeps that to once.
    return Client()


@pytest.fixture
def client(_shared_client):
    _shared_client.cookies = SimpleCookie()
    return _shared_client


def sign_in(client, world, role):
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return world.users[role]


def _reverse(name, *args, query=""):
    return reverse(name, args=args) + (f"?{query}" if query else "")


# --- The rows: one request each ------------------------------------------------------------------------------
# fmt: off
URLS = {
    # The site
    "home":                             lambda w: _reverse("home"),
    "healthz":                          lambda w: _reverse("healthz"),
    "set_language":                     lambda w: _reverse("set_language"),
    # allauth
    "account_login":                    lambda w: _reverse("account_login"),
    "account_logout":                   lambda w: _reverse("account_logout"),
    "account_inactive":                 lambda w: _reverse("account_inactive"),
    "account_signup":                   lambda w: _reverse("account_signup"),
    "account_reauthenticate":           lambda w: _reverse("account_reauthenticate"),
    "account_email":                    lambda w: _reverse("account_email"),
    "account_email_verification_sent":  lambda w: _reverse("account_email_verification_sent"),
    "account_change_password":          lambda w: _reverse("account_change_password"),
    "account_set_password":             lambda w: _reverse("account_set_password"),
    "account_reset_password":           lambda w: _reverse("account_reset_password"),
    "account_confirm_login_code":       lambda w: _reverse("account_confirm_login_code"),
    "account_confirm_email (bad key)":  lambda w: _reverse("account_confirm_email", "no-such-key"),
    "account_reset_password_from_key_done": lambda w: _reverse("account_reset_password_from_key_done"),
    "account_reset_password_from_key (bad key)": lambda w: _reverse("account_reset_password_from_key", "1", "bad-key"),
    "account_reset_password_done":      lambda w: _reverse("account_reset_password_done"),
    # Members
    "members:directory":                lambda w: _reverse("members:directory"),
    "members:directory (search)":       lambda w: _reverse("members:directory", query="q=Otto"),
    "members:onboarding":               lambda w: _reverse("members:onboarding"),
    "members:profile_edit":             lambda w: _reverse("members:profile_edit"),
    "members:privacy":                  lambda w: _reverse("members:privacy"),
    "members:privacy_export_download (member's link)": lambda w: _reverse(
        "members:privacy_export_download", w.export_token),
    "members:privacy_deleted":          lambda w: _reverse("members:privacy_deleted"),
    "members:detail (hides email)":     lambda w: _reverse("members:detail", w.users["other_member"].pk),
    "members:detail (expert)":          lambda w: _reverse("members:detail", w.users["expert"].pk),
    # Communities
    "communities:list":                 lambda w: _reverse("communities:list"),
    "communities:list (search P)":      lambda w: _reverse("communities:list", query="q=Zebracircle"),
    "communities:create":               lambda w: _reverse("communities:create"),
    "communities:detail A":             lambda w: _reverse("communities:detail", w.a.slug),
    "communities:detail A (search)":    lambda w: _reverse("communities:detail", w.a.slug, query="q=Quokka"),
    "communities:detail B":             lambda w: _reverse("communities:detail", w.b.slug),
    "communities:detail P":             lambda w: _reverse("communities:detail", w.p.slug),
    "communities:detail P (search)":    lambda w: _reverse("communities:detail", w.p.slug, query="q=Xylo"),
    "communities:join P":               lambda w: _reverse("communities:join", w.p.slug),
    "communities:leave P":              lambda w: _reverse("communities:leave", w.p.slug),
    "communities:members A":            lambda w: _reverse("communities:members", w.a.slug),
    "communities:members B":            lambda w: _reverse("communities:members", w.b.slug),
    "communities:members P":            lambda w: _reverse("communities:members", w.p.slug),
    "communities:membership_action B":  lambda w: _reverse("communities:membership_action", w.b.slug, w.pending.pk),
    "communities:moderation A":         lambda w: _reverse("communities:moderation", w.a.slug),
    "communities:moderation P":         lambda w: _reverse("communities:moderation", w.p.slug),
    "communities:thread_new A":         lambda w: _reverse("communities:thread_new", w.a.slug),
    "communities:thread_new P":         lambda w: _reverse("communities:thread_new", w.p.slug),
    "communities:thread A":             lambda w: _reverse("communities:thread", w.a.slug, w.thread_a.pk),
    "communities:thread A (hidden)":    lambda w: _reverse("communities:thread", w.a.slug, w.hidden_a.pk),
    "communities:thread B":             lambda w: _reverse("communities:thread", w.b.slug, w.thread_b.pk),
    "communities:thread P":             lambda w: _reverse("communities:thread", w.p.slug, w.thread_p.pk),
    "communities:thread P (referred)":  lambda w: _reverse("communities:thread", w.p.slug, w.thread_p_ref.pk),
    "communities:thread P via A":       lambda w: _reverse("communities:thread", w.a.slug, w.thread_p.pk),
    "communities:thread P shared in A": lambda w: _reverse("communities:thread", w.a.slug, w.thread_p_shared.pk),
    "communities:reply P":              lambda w: _reverse("communities:reply", w.p.slug, w.thread_p.pk),
    "communities:follow P":             lambda w: _reverse("communities:follow", w.p.slug, w.thread_p.pk),
    "communities:moderate A":           lambda w: _reverse("communities:moderate", w.a.slug, w.thread_a.pk),
    "communities:moderate P":           lambda w: _reverse("communities:moderate", w.p.slug, w.thread_p.pk),
    "communities:post_edit A":          lambda w: _reverse("communities:post_edit", w.a.slug, w.post_a.pk),
    "communities:post_edit A (expert's answer)": lambda w: _reverse(
        "communities:post_edit", w.a.slug, w.referral_a.first_answer_id),
    "communities:post_edit P":          lambda w: _reverse("communities:post_edit", w.p.slug, w.post_p.pk),
    "communities:post_helpful P":       lambda w: _reverse("communities:post_helpful", w.p.slug, w.post_p.pk),
    "communities:post_report A":        lambda w: _reverse("communities:post_report", w.a.slug, w.post_a.pk),
    "communities:post_report P":        lambda w: _reverse("communities:post_report", w.p.slug, w.post_p.pk),
    "communities:post_hide A":          lambda w: _reverse("communities:post_hide", w.a.slug, w.post_a.pk),
    # Experts
    "experts:directory":                lambda w: _reverse("experts:directory"),
    "experts:coverage":                 lambda w: _reverse("experts:coverage"),
    "experts:detail":                   lambda w: _reverse("experts:detail", w.expert.pk),
    "experts:detail (unlisted)":        lambda w: _reverse("experts:detail", w.unlisted.pk),
    "experts:ask A":                    lambda w: _reverse("experts:ask", w.a.slug, w.thread_a.pk),
    "experts:ask P (referred)":         lambda w: _reverse("experts:ask", w.p.slug, w.thread_p_ref.pk),
    "experts:rate (member's question)": lambda w: _reverse("experts:rate", w.referral_a.pk),
    # Events
    "events:schedule":                  lambda w: _reverse("events:schedule"),
    "events:schedule (filter P)":       lambda w: _reverse("events:schedule", query=f"community={w.p.pk}"),
    "events:calendar":                  lambda w: _reverse("events:calendar"),
    "events:feed (member's)":           lambda w: _reverse("events:feed", w.feeds["member"].token),
    "events:feed (non_member's)":       lambda w: _reverse("events:feed", w.feeds["non_member"].token),
    "events:topics":                    lambda w: _reverse("events:topics"),
    "events:topic_vote P":              lambda w: _reverse("events:topic_vote", w.topic_p.pk),
    "events:ics A":                     lambda w: _reverse("events:ics", w.event_a.slug),
    "events:ics P":                     lambda w: _reverse("events:ics", w.event_p.slug),
    "events:ics draft":                 lambda w: _reverse("events:ics", w.event_draft.slug),
    "events:detail A":                  lambda w: _reverse("events:detail", w.event_a.slug),
    "events:detail P":                  lambda w: _reverse("events:detail", w.event_p.slug),
    "events:detail A+P":                lambda w: _reverse("events:detail", w.event_joint.slug),
    "events:detail draft":              lambda w: _reverse("events:detail", w.event_draft.slug),
    "events:register P":                lambda w: _reverse("events:register", w.event_p.slug),
    "events:cancel P":                  lambda w: _reverse("events:cancel", w.event_p.slug),
    "events:feedback (past event)":     lambda w: _reverse("events:feedback", w.event_past.slug),
    "events:check_in A":                lambda w: _reverse("events:check_in", w.event_a.slug),
    "events:check_in P":                lambda w: _reverse("events:check_in", w.event_p.slug),
    # Knowledge
    "knowledge:library":                lambda w: _reverse("knowledge:library"),
    "knowledge:library (search)":       lambda w: _reverse("knowledge:library", query="q=Quokka"),
    "knowledge:create":                 lambda w: _reverse("knowledge:create"),
    "knowledge:drafts":                 lambda w: _reverse("knowledge:drafts"),
    "knowledge:faq A":                  lambda w: _reverse("knowledge:faq", w.a.slug),
    "knowledge:faq B":                  lambda w: _reverse("knowledge:faq", w.b.slug),
    "knowledge:faq P":                  lambda w: _reverse("knowledge:faq", w.p.slug),
    "knowledge:summarize A":            lambda w: _reverse("knowledge:summarize", w.a.slug, w.thread_a.pk),
    "knowledge:detail":                 lambda w: _reverse("knowledge:detail", w.product.slug),
    "knowledge:detail P":               lambda w: _reverse("knowledge:detail", w.product_p.slug),
    "knowledge:detail draft":           lambda w: _reverse("knowledge:detail", w.draft.slug),
    "knowledge:edit":                   lambda w: _reverse("knowledge:edit", w.product.slug),
    "knowledge:edit draft":             lambda w: _reverse("knowledge:edit", w.draft.slug),
    "knowledge:download":               lambda w: _reverse("knowledge:download", w.product.slug, w.product_file.pk),
    "knowledge:download P":             lambda w: _reverse("knowledge:download", w.product_p.slug, w.product_p_file.pk),
    "knowledge:transition draft":       lambda w: _reverse("knowledge:transition", w.draft.slug, "publish"),
    # Digests
    "digests:in_browser":               lambda w: _reverse("digests:in_browser"),
    "digests:preferences":              lambda w: _reverse("digests:preferences"),
    "digests:unsubscribe (member's link)": lambda w: _reverse("digests:unsubscribe", w.unsubscribe_token),
    "digests:unsubscribe (bad link)":   lambda w: _reverse("digests:unsubscribe", "not-a-token"),
    # Indicators and surveys
    "indicators:dashboard":             lambda w: _reverse("indicators:dashboard"),
    "indicators:definitions":           lambda w: _reverse("indicators:definitions"),
    "indicators:reports":               lambda w: _reverse("indicators:reports"),
    "indicators:trend_csv":             lambda w: _reverse("indicators:trend_csv"),
    "indicators:trend_xlsx":            lambda w: _reverse("indicators:trend_xlsx"),
    "indicators:month_csv":             lambda w: _reverse("indicators:month_csv", w.month),
    "indicators:month_xlsx":            lambda w: _reverse("indicators:month_xlsx", w.month),
    "indicators:report":                lambda w: _reverse("indicators:report", w.month),
    "indicators:report_pdf":            lambda w: _reverse("indicators:report_pdf", w.month),
    "indicators:indicator":             lambda w: _reverse("indicators:indicator", "members"),
    "indicators:indicator (unknown)":   lambda w: _reverse("indicators:indicator", "no-such-indicator"),
    "surveys:list":                     lambda w: _reverse("surveys:list"),
    "surveys:answer":                   lambda w: _reverse("surveys:answer", w.survey.pk),
    "surveys:answer P":                 lambda w: _reverse("surveys:answer", w.survey_p.pk),
    # Notifications
    "notifications":                    lambda w: _reverse("notifications"),
    "notification_open (member's)":     lambda w: _reverse("notification_open", w.notification.pk),
    # Custom admin views (the rest of the admin: ADMIN_MODELS)
    "admin:digests_preview (member)":   lambda w: _reverse("admin:digests_preview", w.users["member"].pk),
    "admin:experts_expert_import":      lambda w: _reverse("admin:experts_expert_import"),
    "admin:taggit_tag_merge_tags":      lambda w: _reverse("admin:taggit_tag_merge_tags"),
    "admin:members_user_delete (superuser)": lambda w: _reverse("admin:members_user_delete", w.root.pk),
    "admin:auth_user_password_change (member)": lambda w: _reverse(
        "admin:auth_user_password_change", w.users["member"].pk),
    "admin:auth_user_password_change (superuser)": lambda w: _reverse(
        "admin:auth_user_password_change", w.users["superuser"].pk),
}

GET_MATRIX = {
    #                                        anon member other  non    expert leader coord  viewer super
    "home":                                  ALL_OK,
    "healthz":                               ALL_OK,
    "set_language":                          (R,   R,     R,     R,     R,     R,     R,     R,     R),
    "account_login":                         (OK,  R,     R,     R,     R,     R,     R,     R,     R),
    "account_logout":                        (R,   OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "account_inactive":                      ALL_OK,
    "account_signup":                        (OK,  R,     R,     R,     R,     R,     R,     R,     R),
    "account_reauthenticate":                SIGNED_IN,
    "account_email":                         SIGNED_IN,
    "account_email_verification_sent":       ALL_OK,
    "account_change_password":               SIGNED_IN,
    "account_set_password":                  (L,   R,     R,     R,     R,     R,     R,     R,     R),
    "account_reset_password":                ALL_OK,
    "account_confirm_login_code":            (L,   R,     R,     R,     R,     R,     R,     R,     R),
    "account_confirm_email (bad key)":       ALL_OK,
    "account_reset_password_from_key_done":  ALL_OK,
    "account_reset_password_from_key (bad key)": ALL_OK,
    "account_reset_password_done":           ALL_OK,
    "members:directory":                     SIGNED_IN,
    "members:directory (search)":            SIGNED_IN,
    # A member whose profile is complete is sent on to the profile page.
    "members:onboarding":                    (L,   R,     R,     R,     R,     R,     R,     R,     R),
    "members:profile_edit":                  SIGNED_IN,
    "members:privacy":                       SIGNED_IN,
    # Only the member who asked, signed in; everyone else gets the same "not valid" page.
    "members:privacy_export_download (member's link)": (L, OK, N, N,    N,     N,     N,     N,     N),
    "members:privacy_deleted":               ALL_OK,
    "members:detail (hides email)":          SIGNED_IN,
    "members:detail (expert)":               SIGNED_IN,
    "communities:list":                      ALL_OK,
    "communities:list (search P)":           ALL_OK,
    "communities:create":                    SIGNED_IN_COORDINATORS_ONLY,
    "communities:detail A":                  ALL_OK,
    "communities:detail A (search)":         ALL_OK,
    "communities:detail B":                  ALL_OK,
    # A private community does not exist for anyone but its members and coordinators: the expert is a guest of
    # one thread, not of the community.
    "communities:detail P":                  COORDINATORS_ONLY,
    "communities:detail P (search)":         COORDINATORS_ONLY,
    "communities:join P":                    POST_ONLY,
    "communities:leave P":                   POST_ONLY,
    "communities:members A":                 SIGNED_IN,
    "communities:members B":                 (L,   N,     OK,    N,     N,     N,     OK,    N,     OK),
    "communities:members P":                 SIGNED_IN_COORDINATORS_ONLY,
    "communities:membership_action B":       POST_ONLY,
    "communities:moderation A":              (L,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    "communities:moderation P":              SIGNED_IN_COORDINATORS_ONLY,
    # Non-members of an open community are sent back with "join the community to start a discussion".
    "communities:thread_new A":              (L,   OK,    R,     R,     R,     OK,    OK,    R,     OK),
    "communities:thread_new P":              SIGNED_IN_COORDINATORS_ONLY,
    "communities:thread A":                  SIGNED_IN,
    "communities:thread A (hidden)":         (L,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    "communities:thread B":                  (L,   N,     OK,    N,     N,     N,     OK,    N,     OK),
    "communities:thread P":                  SIGNED_IN_COORDINATORS_ONLY,
    "communities:thread P (referred)":       (L,   N,     N,     N,     OK,    N,     OK,    N,     OK),
    # P's thread asked for as if it were shown in A: it is not linked into A.
    "communities:thread P via A":            (L,   N,     N,     N,     N,     N,     N,     N,     N),
    # P's thread linked into A: read in A by everyone who may read A.
    "communities:thread P shared in A":      SIGNED_IN,
    # Signing in from a reply sent without a session leads here: to the thread's form, for those who may read it.
    "communities:reply P":                   (L,   N,     N,     N,     N,     N,     R,     N,     R),
    "communities:follow P":                  POST_ONLY,
    "communities:moderate A":                (L,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    "communities:moderate P":                SIGNED_IN_COORDINATORS_ONLY,
    "communities:post_edit A":               (L,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    # The expert was asked into A's thread: they edit their own answer there.
    "communities:post_edit A (expert's answer)": (L, N,   N,     N,     OK,    OK,    OK,    N,     OK),
    "communities:post_edit P":               SIGNED_IN_COORDINATORS_ONLY,
    "communities:post_helpful P":            POST_ONLY,
    "communities:post_report A":             SIGNED_IN,
    "communities:post_report P":             SIGNED_IN_COORDINATORS_ONLY,
    "communities:post_hide A":               POST_ONLY,
    "experts:directory":                     SIGNED_IN,
    "experts:coverage":                      SIGNED_IN_COORDINATORS_ONLY,
    "experts:detail":                        SIGNED_IN,
    "experts:detail (unlisted)":             SIGNED_IN_COORDINATORS_ONLY,
    "experts:ask A":                         (L,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    # Only leaders and coordinators route questions; the referred expert may not.
    "experts:ask P (referred)":              SIGNED_IN_COORDINATORS_ONLY,
    # Only the asker rates the answer.
    "experts:rate (member's question)":      (L,   OK,    N,     N,     N,     N,     N,     N,     N),
    "events:schedule":                       ALL_OK,
    "events:schedule (filter P)":            ALL_OK,
    "events:calendar":                       SIGNED_IN,
    # The secret token is the only credential (calendar apps send no cookies): anyone holding it gets the feed.
    "events:feed (member's)":                ALL_OK,
    "events:feed (non_member's)":            ALL_OK,
    "events:topics":                         ALL_OK,
    "events:topic_vote P":                   POST_ONLY,
    "events:ics A":                          ALL_OK,
    "events:ics P":                          COORDINATORS_ONLY,
    "events:ics draft":                      COORDINATORS_ONLY,
    "events:detail A":                       ALL_OK,
    # non_member is still registered for P's event, from when they were a member of P.
    "events:detail P":                       COORDINATORS_ONLY,
    "events:detail draft":                   COORDINATORS_ONLY,
    "events:detail A+P":                     ALL_OK,
    "events:register P":                     POST_ONLY,
    "events:cancel P":                       POST_ONLY,
    # Feedback is for attendees after the event: everyone else is sent back to the event page.
    "events:feedback (past event)":          (L,   OK,    R,     R,     R,     R,     R,     R,     R),
    "events:check_in A":                     SIGNED_IN,
    "events:check_in P":                     SIGNED_IN_COORDINATORS_ONLY,
    "knowledge:library":                     ALL_OK,
    "knowledge:library (search)":            ALL_OK,
    # Members of a community and coordinators draft products; the others are sent back to the library.
    "knowledge:create":                      (L,   OK,    OK,    R,     R,     OK,    OK,    R,     OK),
    "knowledge:drafts":                      SIGNED_IN,
    "knowledge:faq A":                       ALL_OK,
    "knowledge:faq B":                       ALL_OK,
    "knowledge:faq P":                       COORDINATORS_ONLY,
    "knowledge:summarize A":                 POST_ONLY,
    "knowledge:detail":                      ALL_OK,
    "knowledge:detail P":                    COORDINATORS_ONLY,
    "knowledge:detail draft":                (N,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    "knowledge:edit":                        SIGNED_IN_COORDINATORS_ONLY,
    "knowledge:edit draft":                  (L,   N,     N,     N,     N,     OK,    OK,    N,     OK),
    "knowledge:download":                    ALL_OK,
    "knowledge:download P":                  COORDINATORS_ONLY,
    "knowledge:transition draft":            POST_ONLY,
    "digests:in_browser":                    SIGNED_IN,
    "digests:preferences":                   SIGNED_IN,
    # One-click unsubscribe (RFC 8058): the signed token is the credential; GET only asks to confirm.
    "digests:unsubscribe (member's link)":   ALL_OK,
    "digests:unsubscribe (bad link)":        (BAD,) * 9,
    "indicators:dashboard":                  INDICATORS,
    "indicators:definitions":                INDICATORS,
    "indicators:reports":                    INDICATORS,
    "indicators:trend_csv":                  INDICATORS,
    "indicators:trend_xlsx":                 INDICATORS,
    "indicators:month_csv":                  INDICATORS,
    "indicators:month_xlsx":                 INDICATORS,
    "indicators:report":                     INDICATORS,
    "indicators:report_pdf":                 INDICATORS,
    "indicators:indicator":                  INDICATORS,
    "indicators:indicator (unknown)":        (L,   F,     F,     F,     F,     F,     N,     N,     N),
    "surveys:list":                          SIGNED_IN,
    "surveys:answer":                        SIGNED_IN,
    # A community survey is asked of that community's members only: for everyone else it does not exist.
    "surveys:answer P":                      (L,   N,     N,     N,     N,     N,     N,     N,     N),
    "notifications":                         SIGNED_IN,
    "notification_open (member's)":          (L,   R,     N,     N,     N,     N,     N,     N,     N),
    "admin:digests_preview (member)":        (L,   L,     L,     L,     L,     L,     OK,    L,     OK),
    "admin:experts_expert_import":           (L,   L,     L,     L,     L,     L,     OK,    L,     OK),
    # Without tags chosen in the list first: back to the list, told so.
    "admin:taggit_tag_merge_tags":           (L,   L,     L,     L,     L,     L,     R,     L,     R),
    # Nobody deletes an account's row in the admin: accounts are deleted as their members would delete them
    # (members.admin.delete_accounts), which keeps posts and past months' figures.
    "admin:members_user_delete (superuser)": (L,   L,     L,     L,     L,     L,     F,     L,     F),
    "admin:auth_user_password_change (member)": (L, L,    L,     L,     L,     L,     OK,    L,     OK),
    "admin:auth_user_password_change (superuser)": (L, L, L,     L,     L,     L,     F,     L,     OK),
}

# Markers a row must never show whoever asks (on top of SECRETS, which depend on the viewer).
ROW_NEVER_SHOWS = {
    # Join links are never written into calendar files.
    "events:feed (member's)": {mw.JOIN_URL},
    "events:ics A": {mw.JOIN_URL},
    # non_member left P: P's event leaves their feed, whoever fetches it.
    "events:feed (non_member's)": {mw.P_EVENT},
}

# Controls that the markers are really rendered where they may be (or the secret checks would prove nothing).
ROW_SHOWS = [
    ("communities:detail P", "coordinator", mw.P_THREAD),
    ("communities:detail B", "other_member", mw.B_THREAD),
    ("communities:detail A", "leader", mw.A_HIDDEN),
    ("communities:thread P", "coordinator", mw.P_REPLY),
    ("communities:thread P (referred)", "expert", mw.P_REF_THREAD),
    ("communities:thread P (referred)", "expert", mw.P_NAME),
    ("communities:thread P shared in A", "coordinator", mw.P_NAME),
    ("communities:thread A", "leader", mw.HIDDEN_POST),
    ("events:detail A+P", "coordinator", mw.P_NAME),
    ("events:topics", "coordinator", mw.P_EVENT),
    ("members:detail (expert)", "coordinator", mw.EXPERT_EMAIL),
    ("events:detail A", "member", mw.JOIN_URL),
    ("events:detail P", "coordinator", mw.P_EVENT),
    ("events:feed (member's)", "anonymous", "open webinar"),
    ("events:topics", "coordinator", mw.P_TOPIC),
    ("knowledge:library (search)", "coordinator", mw.P_PRODUCT),
    ("knowledge:library (search)", "member", "guidance for all"),
    ("knowledge:drafts", "leader", mw.DRAFT_PRODUCT),
    ("knowledge:faq P", "coordinator", mw.P_FAQ),
    ("experts:detail", "coordinator", mw.EXPERT_PHONE),
    ("experts:directory", "coordinator", mw.UNLISTED_EXPERT),
    ("members:detail (hides email)", "other_member", mw.HIDDEN_EMAIL),
    ("notifications", "member", mw.NOTE_TEXT),
    ("indicators:month_csv", "report_viewer", mw.P_NAME),
    ("indicators:month_xlsx", "report_viewer", mw.P_NAME),
    ("digests:in_browser", "member", "budgeting in the open"),
    ("admin:digests_preview (member)", "coordinator", "budgeting in the open"),
]

# Known bugs: (row, role) -> reason. These cells are strict xfails: fixing the bug makes them pass, then fail.
GET_BUGS: dict[tuple[str, str], str] = {}
# fmt: on


# --- What a response holds -----------------------------------------------------------------------------------


def body_text(response) -> str:
    """The response's text: HTML unescaped, calendar lines unfolded, the members of XLSX and ZIP files."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"\n".join(archive.read(name) for name in archive.namelist())
    text = data.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("text/calendar"):
        text = text.replace("\r\n ", "").replace("\\,", ",")
    return html.unescape(text)


def leaked(text: str, role: str, row: str) -> list[str]:
    forbidden = {marker for marker, allowed in mw.SECRETS.items() if role not in allowed}
    forbidden |= ROW_NEVER_SHOWS.get(row, set())
    return sorted(marker for marker in forbidden if marker in text)


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    path = urlsplit(response.url).path
    return path in (reverse("account_login"), reverse("admin:login"))


def assert_outcome(response, expected: str, what: str) -> None:
    got = response.status_code
    if expected == LOGIN:
        assert is_login_redirect(response), f"{what}: expected a redirect to sign in, got {got} {_where(response)}"
    elif expected == REDIRECT:
        assert got == 302 and not is_login_redirect(response), f"{what}: expected a redirect, got {got}"
    else:
        assert str(got) == expected, f"{what}: expected {expected}, got {got} {_where(response)}"


def _where(response) -> str:
    return f"→ {response.url}" if response.status_code in (301, 302) else ""


# --- Every URL pattern has a row -----------------------------------------------------------------------------

ADMIN_SITE_VIEWS = {
    "index", "login", "logout", "password_change", "password_change_done", "autocomplete", "jsi18n", "view_on_site",
    "app_list",
}  # fmt: skip
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history")


def url_patterns(resolver=None, prefix="", namespaces=()):
    """(route, name) for every URL pattern of the project, the route joined as Django's resolver joins it (so it
    equals ResolverMatch.route), the name namespaced (None for an unnamed pattern)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern).removeprefix("^") if prefix else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            names = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from url_patterns(pattern, route, names)
        elif isinstance(pattern, URLPattern):
            yield route, (":".join((*namespaces, pattern.name)) if pattern.name else None)


def covered_by_admin_group(route: str, name: str | None) -> bool:
    """The admin's own pages: the site's, and the standard views of each registered model (ADMIN_MODELS covers
    those by app). Custom admin views are ours and need a row."""
    if not route.startswith("admin/"):
        return False
    if name is None:
        return True  # the unnamed "<object id>/" redirect of each model admin
    name = name.removeprefix("admin:")
    if name in ADMIN_SITE_VIEWS:
        return True
    return any(
        name == f"{model._meta.app_label}_{model._meta.model_name}_{view}"
        for model in admin.site._registry
        for view in ADMIN_MODEL_VIEWS
    )


def _route_of(url: str) -> str:
    return resolve(urlsplit(url).path).route


def test_every_url_pattern_has_a_row(world):
    """A new URL pattern needs a row saying what each role gets there (and a POST row if it is POST-only)."""
    covered = {_route_of(url(world)) for url in URLS.values()}
    missing = [
        f"{name or '(unnamed)'}: /{route}"
        for route, name in url_patterns()
        if route not in covered and not covered_by_admin_group(route, name)
    ]
    assert not missing, "URL patterns without a row in the matrix (add them to URLS and GET_MATRIX):\n" + "\n".join(
        missing
    )
    assert set(GET_MATRIX) == set(URLS), f"rows without expectations: {sorted(set(URLS) ^ set(GET_MATRIX))}"
    assert all(len(outcomes) == len(ROLES) for outcomes in GET_MATRIX.values())
    # A POST-only endpoint (405 to every GET) needs a POST row saying who may do it.
    posted = {_route_of(url(world)) for url, _data, _state in POST_ACTIONS.values()}
    post_only = {_route_of(URLS[row](world)) for row, outcomes in GET_MATRIX.items() if outcomes == POST_ONLY}
    assert not post_only - posted, f"POST-only endpoints without a POST row: {sorted(post_only - posted)}"


def test_every_app_in_the_admin_has_a_row():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS), f"admin apps without a row: {sorted(registered ^ set(ADMIN_MODELS))}"


# --- GET: each role, each row --------------------------------------------------------------------------------


def _get_cases():
    for row, outcomes in GET_MATRIX.items():
        for role, expected in zip(ROLES, outcomes, strict=True):
            marks = []
            if (row, role) in GET_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=GET_BUGS[row, role]))
            yield pytest.param(row, role, expected, id=f"{row}-{role}-{expected}", marks=marks)


@pytest.mark.parametrize(("row", "role", "expected"), list(_get_cases()))
def test_get(client, world, row, role, expected):
    sign_in(client, world, role)
    response = client.get(URLS[row](world))
    assert_outcome(response, expected, f"GET {row} as {role}")
    if response.status_code == 200:
        leaks = leaked(body_text(response), role, row)
        assert not leaks, f"GET {row} shows {role} what they may not see: {leaks}"


@pytest.mark.parametrize(("row", "role", "marker"), ROW_SHOWS, ids=[f"{r}-{role}-{m}" for r, role, m in ROW_SHOWS])
def test_markers_are_shown_to_those_who_may_see_them(client, world, row, role, marker):
    sign_in(client, world, role)
    response = client.get(URLS[row](world))
    assert response.status_code == 200
    assert marker in body_text(response)


# --- The admin: one changelist and one change page per app ---------------------------------------------------

# app label -> (model name, the object whose change page is opened)
ADMIN_MODELS = {
    "auth": ("group", lambda w: Group.objects.get(name="Coordinators")),
    "account": ("emailaddress", lambda w: w.users["member"].emailaddress_set.get()),
    "taggit": ("tag", lambda w: w.product.tags.get()),
    "cop_platform": ("outboxemail", lambda w: w.outbox),
    "members": ("user", lambda w: w.users["other_member"]),
    "communities": ("community", lambda w: w.p),
    "experts": ("expert", lambda w: w.unlisted),
    "events": ("event", lambda w: w.event_p),
    "knowledge": ("knowledgeproduct", lambda w: w.draft),
    "indicators": ("survey", lambda w: w.survey_p),
    "digests": ("newsitem", lambda w: w.news_p),
}


STAFF_ONLY = (L, L, L, L, L, L, OK, L, OK)
# The outbox holds every email the site sent (digests included): superusers only.
ADMIN_MATRIX = {app: STAFF_ONLY for app in ADMIN_MODELS} | {"cop_platform": (L, L, L, L, L, L, F, L, OK)}
ADMIN_INDEX = STAFF_ONLY


def _admin_cases():
    for app in ADMIN_MODELS:
        for page in ("changelist", "change"):
            for role, expected in zip(ROLES, ADMIN_MATRIX[app], strict=True):
                yield pytest.param(app, page, role, expected, id=f"{app}-{page}-{role}-{expected}")
    for role, expected in zip(ROLES, ADMIN_INDEX, strict=True):
        yield pytest.param(None, "index", role, expected, id=f"index-{role}-{expected}")


@pytest.mark.parametrize(("app", "page", "role", "expected"), list(_admin_cases()))
def test_admin(client, world, app, page, role, expected):
    if page == "index":
        url = reverse("admin:index")
    else:
        model, get_object = ADMIN_MODELS[app]
        args = [get_object(world).pk] if page == "change" else []
        url = reverse(f"admin:{app}_{model}_{page}", args=args)
    sign_in(client, world, role)
    response = client.get(url)
    assert_outcome(response, expected, f"GET {url} as {role}")
    if response.status_code == 200:
        leaks = leaked(body_text(response), role, url)
        assert not leaks, f"GET {url} shows {role} what they may not see: {leaks}"


# --- POST: who may do what -----------------------------------------------------------------------------------


def _survey_data(survey):
    return {f"q{question.pk}": "4" for question in survey.questions.all()}


# name -> (url(world), data(world), state(world, user) the action changes)
# fmt: off
POST_ACTIONS = {
    "communities:join P": (
        lambda w: _reverse("communities:join", w.p.slug), lambda w: {},
        lambda w, user: Membership.objects.filter(community=w.p).count()),
    "communities:leave P": (
        lambda w: _reverse("communities:leave", w.p.slug), lambda w: {},
        lambda w, user: sorted(Membership.objects.filter(community=w.p).values_list("pk", "status"))),
    "communities:membership_action (approve B request)": (
        lambda w: _reverse("communities:membership_action", w.b.slug, w.pending.pk), lambda w: {"action": "approve"},
        lambda w, user: Membership.objects.get(pk=w.pending.pk).status),
    # B's request, acted on through A's page: A's leader (and anyone) gets nothing.
    "communities:membership_action via A (B's request)": (
        lambda w: _reverse("communities:membership_action", w.a.slug, w.pending.pk), lambda w: {"action": "approve"},
        lambda w, user: Membership.objects.get(pk=w.pending.pk).status),
    # A report on P's post, decided through A's moderation queue: A's moderators have no say on P.
    "communities:moderation via A (P's report)": (
        lambda w: _reverse("communities:moderation", w.a.slug), lambda w: {"post": w.post_p.pk, "decision": "uphold"},
        lambda w, user: (Report.objects.get(pk=w.report_p.pk).status, Post.objects.get(pk=w.post_p.pk).is_hidden)),
    "communities:reply P": (
        lambda w: _reverse("communities:reply", w.p.slug, w.thread_p.pk), lambda w: {"body": "Quokka reply."},
        lambda w, user: Post.objects.filter(thread=w.thread_p).count()),
    "communities:reply P (referred)": (
        lambda w: _reverse("communities:reply", w.p.slug, w.thread_p_ref.pk), lambda w: {"body": "Quokka answer."},
        lambda w, user: Post.objects.filter(thread=w.thread_p_ref).count()),
    "communities:follow P": (
        lambda w: _reverse("communities:follow", w.p.slug, w.thread_p.pk), lambda w: {},
        lambda w, user: w.thread_p.followers.count()),
    "communities:post_helpful P": (
        lambda w: _reverse("communities:post_helpful", w.p.slug, w.post_p.pk), lambda w: {},
        lambda w, user: Post.objects.get(pk=w.post_p.pk).helpful_count),
    "communities:post_hide A": (
        lambda w: _reverse("communities:post_hide", w.a.slug, w.post_a.pk), lambda w: {"hidden": "1"},
        lambda w, user: Post.objects.get(pk=w.post_a.pk).is_hidden),
    "events:register P": (
        lambda w: _reverse("events:register", w.event_p.slug), lambda w: {},
        lambda w, user: Registration.objects.filter(event=w.event_p).count()),
    # non_member still holds a registration for P's event; nobody outside P may touch it from here.
    "events:cancel P": (
        lambda w: _reverse("events:cancel", w.event_p.slug), lambda w: {},
        lambda w, user: sorted(Registration.objects.filter(event=w.event_p).values_list("pk", "status"))),
    "events:topic_vote": (
        lambda w: _reverse("events:topic_vote", w.topic.pk), lambda w: {},
        lambda w, user: TopicVote.objects.filter(suggestion=w.topic).count()),
    "events:topic_vote P": (
        lambda w: _reverse("events:topic_vote", w.topic_p.pk), lambda w: {},
        lambda w, user: TopicVote.objects.filter(suggestion=w.topic_p).count()),
    "events:calendar (new address)": (
        lambda w: _reverse("events:calendar"), lambda w: {},
        lambda w, user: sorted(CalendarFeed.objects.values_list("token", flat=True))),
    # Proposing a webinar topic for P: P is not among the choices of those who may not know it exists.
    "events:topics (propose for P)": (
        lambda w: _reverse("events:topics"),
        lambda w: {"title": "Quokka topic for P", "why": "", "community": w.p.pk},
        lambda w, user: TopicSuggestion.objects.filter(community=w.p).count()),
    # Sharing a new draft with P: likewise.
    "knowledge:create (share with P)": (
        lambda w: _reverse("knowledge:create"),
        lambda w: {"type": "guidance", "title": "Quokka draft for P", "summary": "S", "body": "B",
                   "communities": [w.p.pk]},
        lambda w, user: KnowledgeProduct.objects.filter(communities=w.p).count()),
    "knowledge:transition publish draft": (
        lambda w: _reverse("knowledge:transition", w.draft.slug, "publish"), lambda w: {},
        lambda w, user: KnowledgeProduct.objects.get(pk=w.draft.pk).status),
    "knowledge:transition submit draft": (
        lambda w: _reverse("knowledge:transition", w.draft.slug, "submit"), lambda w: {},
        lambda w, user: KnowledgeProduct.objects.get(pk=w.draft.pk).status),
    "knowledge:transition archive P": (
        lambda w: _reverse("knowledge:transition", w.product_p.slug, "archive"), lambda w: {},
        lambda w, user: KnowledgeProduct.objects.get(pk=w.product_p.pk).status),
    "knowledge:summarize A": (
        lambda w: _reverse("knowledge:summarize", w.a.slug, w.thread_a.pk), lambda w: {},
        lambda w, user: KnowledgeProduct.objects.count()),
    "knowledge:summarize P": (
        lambda w: _reverse("knowledge:summarize", w.p.slug, w.thread_p.pk), lambda w: {},
        lambda w, user: KnowledgeProduct.objects.count()),
    "experts:rate (member's question)": (
        lambda w: _reverse("experts:rate", w.referral_a.pk), lambda w: {"score": "4", "comment": ""},
        lambda w, user: Rating.objects.filter(referral=w.referral_a).count()),
    "surveys:answer": (
        lambda w: _reverse("surveys:answer", w.survey.pk), lambda w: _survey_data(w.survey),
        lambda w, user: SurveyResponse.objects.filter(survey=w.survey).count()),
    "surveys:answer P": (
        lambda w: _reverse("surveys:answer", w.survey_p.pk), lambda w: _survey_data(w.survey_p),
        lambda w, user: SurveyResponse.objects.filter(survey=w.survey_p).count()),
    "indicators:report (generate)": (
        lambda w: _reverse("indicators:report", w.month), lambda w: {},
        lambda w, user: list(ProgressReport.objects.filter(pk=w.report.pk).values_list("job", "requested_by"))),
    # Marking all as read touches only the viewer's own notifications: the member's stays unread for others.
    "notifications (mark the member's read)": (
        lambda w: _reverse("notifications"), lambda w: {},
        lambda w, user: Notification.objects.get(pk=w.notification.pk).read_at is None),
    "digests:unsubscribe (member's link)": (
        lambda w: _reverse("digests:unsubscribe", w.unsubscribe_token), lambda w: {},
        lambda w, user: list(DigestPreference.objects.filter(member=w.users["member"]).values_list("frequency"))),
    "admin: delete a superuser": (
        lambda w: _reverse("admin:members_user_delete", w.root.pk), lambda w: {"post": "yes"},
        lambda w, user: User.objects.filter(pk=w.root.pk).exists()),
    # Changing a superuser's sign-in address is taking over their account (a password reset away).
    "admin: change a superuser's email address": (
        lambda w: _reverse("admin:account_emailaddress_change", w.root.emailaddress_set.get().pk),
        lambda w: {"user": w.root.pk, "email": "taken-over@attacker.example.org", "verified": "on", "primary": "on"},
        lambda w, user: list(EmailAddress.objects.filter(user=w.root).values_list("email", flat=True))),
}

POST_MATRIX = {
    #                                           anon member other  non    expert leader coord  viewer super
    # A private community cannot be joined; coordinators are told so.
    "communities:join P":                       (L,   N,     N,     N,     N,     N,     R,     N,     R),
    "communities:leave P":                      (L,   N,     N,     N,     N,     N,     R,     N,     R),
    # Only B's leaders and coordinators decide on requests to join B; not the applicant, not A's leader.
    "communities:membership_action (approve B request)": (L, N, N,   N,     N,     N,     DONE,  N,     DONE),
    "communities:membership_action via A (B's request)": (L, N, N,   N,     N,     N,     N,     N,     N),
    "communities:moderation via A (P's report)": (L,  N,     N,     N,     N,     N,     N,     N,     N),
    "communities:reply P":                      (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "communities:reply P (referred)":           (L,   N,     N,     N,     DONE,  N,     DONE,  N,     DONE),
    "communities:follow P":                     (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "communities:post_helpful P":               (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "communities:post_hide A":                  (L,   N,     N,     N,     N,     DONE,  DONE,  N,     DONE),
    "events:register P":                        (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    # Coordinators are not registered: "you are not registered" (nothing changes).
    "events:cancel P":                          (L,   N,     N,     N,     N,     N,     R,     N,     R),
    "events:topic_vote":                        (L,   DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE),
    "events:topic_vote P":                      (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "events:calendar (new address)":            (L,   DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE),
    # Everyone else is shown the form again, with P refused as a choice.
    "events:topics (propose for P)":            (L,   OK,    OK,    OK,    OK,    OK,    DONE,  OK,    DONE),
    # Those who may not draft are sent back to the library; members of A and B get the form back.
    "knowledge:create (share with P)":          (L,   OK,    OK,    R,     R,     OK,    DONE,  R,     DONE),
    # The author may see the draft but not publish it.
    "knowledge:transition publish draft":       (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "knowledge:transition submit draft":        (L,   N,     N,     N,     N,     DONE,  DONE,  N,     DONE),
    "knowledge:transition archive P":           (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "knowledge:summarize A":                    (L,   N,     N,     N,     N,     DONE,  DONE,  N,     DONE),
    "knowledge:summarize P":                    (L,   N,     N,     N,     N,     N,     DONE,  N,     DONE),
    "experts:rate (member's question)":         (L,   DONE,  N,     N,     N,     N,     N,     N,     N),
    "surveys:answer":                           (L,   DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE),
    "surveys:answer P":                         (L,   N,     N,     N,     N,     N,     N,     N,     N),
    "indicators:report (generate)":             (L,   F,     F,     F,     F,     F,     DONE,  DONE,  DONE),
    "notifications (mark the member's read)":   (L,   DONE,  R,     R,     R,     R,     R,     R,     R),
    # RFC 8058 one-click unsubscribe: whoever holds the signed link may use it (it only turns the digest off).
    "digests:unsubscribe (member's link)":      (DONE, DONE, DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE),
    # Only superusers touch a superuser's account (members.admin.MemberAdmin.has_change_permission), and nobody
    # deletes an account's row (members.admin.delete_accounts does it as the member would).
    "admin: delete a superuser":                (L,   L,     L,     L,     L,     L,     F,     L,     F),
    "admin: change a superuser's email address": (L,  L,     L,     L,     L,     L,     F,     L,     DONE),
}
POST_BUGS: dict[tuple[str, str], str] = {}
# fmt: on


def _post_cases():
    for action, outcomes in POST_MATRIX.items():
        for role, expected in zip(ROLES, outcomes, strict=True):
            marks = []
            if (action, role) in POST_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=POST_BUGS[action, role]))
            yield pytest.param(action, role, expected, id=f"{action}-{role}-{expected}", marks=marks)


@pytest.fixture
def _fake_report_renderer(monkeypatch):
    """The report service renders a tiny fake PDF instead of running WeasyPrint."""
    from indicators.models import MonthlySnapshot
    from indicators.report import RenderedReport

    def render(month):
        snapshot = MonthlySnapshot.objects.get(month=month.replace(day=1))
        return RenderedReport(pdf=mw.FAKE_PDF, pages=1, snapshot_computed_at=snapshot.computed_at)

    monkeypatch.setattr("indicators.services.render_report", render)


def test_post_matrix_is_complete():
    assert set(POST_MATRIX) == set(POST_ACTIONS)
    assert all(len(outcomes) == len(ROLES) for outcomes in POST_MATRIX.values())


@pytest.mark.usefixtures("_fake_report_renderer")
@pytest.mark.parametrize(("action", "role", "expected"), list(_post_cases()))
def test_post(client, world, action, role, expected):
    url, data, state = POST_ACTIONS[action]
    user = sign_in(client, world, role)
    before = state(world, user)
    response = client.post(url(world), data(world))
    after = state(world, user)
    what = f"POST {action} as {role}"
    if expected == DONE:
        assert response.status_code in (200, 302) and not is_login_redirect(response), (
            f"{what}: expected it done, got {response.status_code} {_where(response)}"
        )
        assert after != before, f"{what}: the request should have changed the database"
    else:
        assert_outcome(response, expected, what)
        assert after == before, f"{what}: refused, yet the database changed ({before!r} → {after!r})"
    if response.status_code == 200:
        leaks = leaked(body_text(response), role, action)
        assert not leaks, f"{what} shows {role} what they may not see: {leaks}"


# --- What others do reaches nobody who may not see it ------------------------------------------------------


def _reply(thread, community, author, body):
    from communities.services import post_reply

    return post_reply(thread=thread, author=author, body=body, shown_in=community)


def _mentions(world, roles):
    return " ".join(f"@{world.users[role].handle}" for role in roles)


OUTSIDERS = ("member", "other_member", "non_member", "expert", "leader", "report_viewer")

# name -> what happens (world); then every signed-in role reads their notifications, home page and digest.
SCENARIOS = {
    # A member followed the thread before a moderator hid it; the moderators keep discussing it.
    "a moderator replies in a hidden thread a member follows": lambda w: (
        w.hidden_a.followers.add(w.users["member"]),
        _reply(w.hidden_a, w.a, w.users["leader"], f"{mw.SEARCH_WORD} note for the moderators."),
    ),
    "a moderator mentions a member in a hidden thread": lambda w: _reply(
        w.hidden_a, w.a, w.users["leader"], f"{_mentions(w, ['member'])} can you check this?"
    ),
    # non_member followed P's thread while they were a member.
    "P's leader replies in a thread a former member follows": lambda w: (
        w.thread_p.followers.add(w.users["non_member"]),
        _reply(w.thread_p, w.p, w.insider, f"{mw.SEARCH_WORD} more from inside P."),
    ),
    "P's leader mentions everyone outside P": lambda w: _reply(
        w.thread_p, w.p, w.insider, f"{_mentions(w, OUTSIDERS)} have a look."
    ),
    # non_member's request to join B is still pending.
    "B's leader mentions A's members and B's applicant": lambda w: _reply(
        w.thread_b, w.b, w.b_leader, f"{_mentions(w, ['member', 'leader', 'non_member'])} have a look."
    ),
}
SCENARIO_PAGES = ("notifications", "home", "digests:in_browser")
SCENARIO_BUGS: dict[tuple[str, str], str] = {}


def _scenario_cases():
    for scenario in SCENARIOS:
        for role in ROLES[1:]:
            marks = []
            if (scenario, role) in SCENARIO_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=SCENARIO_BUGS[scenario, role]))
            yield pytest.param(scenario, role, id=f"{scenario}-{role}", marks=marks)


@pytest.mark.parametrize(("scenario", "role"), list(_scenario_cases()))
def test_what_others_do_reaches_nobody_who_may_not_see_it(client, world, scenario, role):
    SCENARIOS[scenario](world)
    sign_in(client, world, role)
    for row in SCENARIO_PAGES:
        response = client.get(URLS[row](world))
        assert response.status_code == 200
        leaks = leaked(body_text(response), role, row)
        assert not leaks, f"after “{scenario}”, {row} shows {role} what they may not see: {leaks}"
