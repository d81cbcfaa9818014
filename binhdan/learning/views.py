"""Learner pages (open to everyone; an account only for tests and certificates) and officer pages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhdan.accounts import throttle
from binhdan.core.scoping import get_for_read, get_for_write
from binhdan.geo.models import AdminUnit
from binhdan.learning import pdf, pii, services, stats
from binhdan.learning.forms import CardSignInForm, CreateLearnerForm, PhoneSignInForm, RevokeForm, SignUpForm
from binhdan.learning.models import (
    Attempt,
    AttemptItem,
    Certificate,
    LearnerAccount,
    Lesson,
    Level,
    Question,
    SelfAssessment,
    Skill,
)
from binhdan.learning.services import LearningError

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def current_learner(request) -> LearnerAccount | None:
    if not request.user.is_authenticated:
        return None
    cached = getattr(request, "_learner", False)
    if cached is False:
        cached = LearnerAccount.objects.filter(user=request.user).first()
        request._learner = cached
    return cached


def learner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        learner = current_learner(request)
        if learner is None:
            messages.info(request, _("Please sign in or create an account first."))
            return redirect(f"{reverse('learning:sign_in')}?next={request.get_full_path()}")
        request.learner = learner
        return view(request, *args, **kwargs)

    return wrapper


def _level(slug: str) -> Level:
    if not slug.startswith("cap-"):
        raise Http404
    return get_object_or_404(Level, code=slug[4:])


def _safe_next(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


def _address(request) -> str:
    return getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR", "")


# --- Curriculum pages ---------------------------------------------------------------------------

def levels(request):
    learner = current_learner(request)
    rows = list(Level.objects.annotate(n_lessons=Count("lessons", filter=Q(lessons__active=True))).filter(
        n_lessons__gt=0))
    passed, practised = set(), {}
    if learner:
        passed = set(Attempt.objects.filter(learner=learner, passed=True).values_list("level_id", flat=True))
        practised = dict(
            learner.practice_answers.filter(is_correct=True).values("question_version__question__lesson__level_id")
            .annotate(n=Count("question_version__question__lesson", distinct=True))
            .values_list("question_version__question__lesson__level_id", "n"))
    for lv in rows:
        lv.passed = lv.pk in passed
        lv.done = practised.get(lv.pk, 0)
    return render(request, "learning/levels.html", {"levels": rows, "learner": learner})


def level_detail(request, level):
    lv = _level(level)
    learner = current_learner(request)
    lessons = list(Lesson.objects.filter(level=lv, active=True).only("code", "title", "minutes", "position"))
    done, passed, self_done = set(), False, set()
    if learner:
        done = set(learner.practice_answers.filter(is_correct=True, question_version__question__lesson__level=lv)
                   .values_list("question_version__question__lesson_id", flat=True))
        passed = Attempt.objects.filter(learner=learner, level=lv, passed=True).exists()
        self_done = set(SelfAssessment.objects.filter(learner=learner, level=lv).values_list("phase", flat=True))
    for lesson in lessons:
        lesson.done = lesson.pk in done
    return render(request, "learning/level.html", {"level": lv, "lessons": lessons, "learner": learner,
                                                   "passed": passed, "self_done": self_done})


def lesson_detail(request, code):
    lesson = get_object_or_404(Lesson.objects.select_related("level"), code=code, active=True)
    nxt = Lesson.objects.filter(level=lesson.level, active=True, position__gt=lesson.position).only(
        "code", "title").first()
    return render(request, "learning/lesson.html", {"lesson": lesson, "next_lesson": nxt,
                                                    "learner": current_learner(request)})


def _lesson_questions(lesson):
    return list(Question.objects.filter(lesson=lesson, active=True).select_related("current").order_by("position"))


@never_cache
def practice(request, code, number):
    lesson = get_object_or_404(Lesson.objects.select_related("level"), code=code, active=True)
    questions = _lesson_questions(lesson)
    if not 1 <= number <= len(questions):
        raise Http404
    version = questions[number - 1].current
    ctx = {"lesson": lesson, "number": number, "count": len(questions), "version": version,
           "options": list(enumerate(version.options)), "learner": current_learner(request)}
    if request.method == "POST":
        chosen = request.POST.getlist("choice")
        try:
            picks = sorted({int(c) for c in chosen})
        except ValueError:
            picks = []
        if not picks or any(not 0 <= p < len(version.options) for p in picks) or (
                not version.multi and len(picks) != 1):
            ctx["error"] = _("Please choose an answer.")
            return render(request, "learning/practice.html", ctx, status=400 if chosen else 200)
        ctx["correct"] = services.record_practice(version, picks, ctx["learner"])
        ctx["picked"] = picks
        ctx["right"] = sorted(version.correct_set())
        ctx["answered"] = True
    return render(request, "learning/practice.html", ctx)


# --- Accounts -----------------------------------------------------------------------------------

@never_cache
def sign_up(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            learner = services.create_learner(full_name=form.cleaned_data["full_name"],
                                              phone=form.cleaned_data["phone"], pin=form.cleaned_data["pin"])
        except LearningError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, learner.user, backend=_BACKEND)
            messages.success(request, _("Your account is ready."))
            return redirect(reverse("learning:place") + "?next=" + _safe_next(request, reverse("learning:levels")))
    return render(request, "learning/sign_up.html", {"form": form, "next": _safe_next(request, "")})


def _pin_attempt(request, learner: LearnerAccount | None, key: str, pin: str, wrong: str):
    """Check a PIN with throttling; returns (error message or None, HTTP status)."""
    wait = throttle.locked_for(key, _address(request))
    if wait:
        return _("Too many wrong PINs. Please try again in %(minutes)d minutes.") % {
            "minutes": max(1, (wait + 59) // 60)}, 429
    if learner is None or not services.check_pin(learner, pin):
        throttle.register_failure(key, _address(request))
        return wrong, 429 if throttle.locked_for(key, _address(request)) else 200
    throttle.register_success(key, _address(request))
    return None, 200


@never_cache
def sign_in(request):
    form = PhoneSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        learner = services.find_by_phone(phone)
        error, status = _pin_attempt(request, learner, "learner-phone:" + pii.phone_hash(phone),
                                     form.cleaned_data["pin"], _("The phone number or the PIN is not right."))
        if error is None:
            login(request, learner.user, backend=_BACKEND)
            return redirect(_safe_next(request, reverse("learning:account")))
        form.add_error(None, error)
    return render(request, "learning/sign_in.html", {"form": form, "next": _safe_next(request, "")}, status=status)


@never_cache
def card_sign_in(request, token):
    learner = LearnerAccount.objects.filter(card_token=token).first()
    if learner is None:
        raise Http404
    form = CardSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        error, status = _pin_attempt(request, learner, "learner-card:" + str(learner.uuid), form.cleaned_data["pin"],
                                     _("The PIN is not right."))
        if error is None:
            login(request, learner.user, backend=_BACKEND)
            return redirect("learning:account")
        form.add_error(None, error)
    return render(request, "learning/card_sign_in.html", {"form": form, "learner": learner}, status=status)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("learning:levels")


@learner_required
def account(request):
    learner = request.learner
    certificates = list(Certificate.objects.filter(learner=learner).select_related("level"))
    attempts = list(Attempt.objects.filter(learner=learner).select_related("level")[:10])
    return render(request, "learning/account.html", {"learner": learner, "certificates": certificates,
                                                     "attempts": attempts})


@learner_required
def place(request):
    """Where the learner lives: province, then commune (plain forms, no script)."""
    from binhdan.geo.models import Level as UnitLevel

    nxt = _safe_next(request, reverse("learning:account"))
    if request.method == "POST":
        commune = AdminUnit.objects.filter(code=request.POST.get("commune", ""), level=UnitLevel.COMMUNE,
                                           valid_to__isnull=True).first()
        if commune is None:
            messages.error(request, _("Please choose your commune."))
        else:
            services.set_place(request.learner, commune)
            messages.success(request, _("Saved: %(commune)s.") % {"commune": commune.name})
            return redirect(nxt)
    province = AdminUnit.objects.filter(code=request.GET.get("tinh", ""), level=UnitLevel.PROVINCE).first()
    provinces = communes = None
    if province:
        communes = list(AdminUnit.objects.filter(parent=province, level=UnitLevel.COMMUNE, valid_to__isnull=True)
                        .order_by("name_folded").values_list("code", "name"))
    else:
        provinces = list(AdminUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
                         .order_by("name_folded").values_list("code", "name"))
    return render(request, "learning/place.html", {"province": province, "provinces": provinces,
                                                   "communes": communes, "next": nxt})


# --- Self-assessment ----------------------------------------------------------------------------

PHASES = {"truoc": SelfAssessment.Phase.BEFORE, "sau": SelfAssessment.Phase.AFTER}


@never_cache
@learner_required
def self_assessment(request, level, phase):
    lv = _level(level)
    if phase not in PHASES:
        raise Http404
    skills = list(Skill.objects.filter(level=lv, active=True).only("code", "title"))
    answers = {}
    if request.method == "POST":
        answers = {s.code: request.POST.get(s.code, "") for s in skills}
        try:
            services.save_self_assessment(request.learner, lv, PHASES[phase], answers)
        except LearningError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you. Your answers are saved."))
            return redirect("learning:level", level=lv.slug)
    else:
        row = SelfAssessment.objects.filter(learner=request.learner, level=lv, phase=PHASES[phase]).first()
        answers = row.answers if row else {}
    for s in skills:
        s.answer = answers.get(s.code, "")
    return render(request, "learning/self_assessment.html", {
        "level": lv, "skills": skills, "phase": phase, "choices": SelfAssessment.Answer.choices,
        "after": PHASES[phase] == SelfAssessment.Phase.AFTER})


# --- Assessment ---------------------------------------------------------------------------------

@never_cache
@learner_required
def assessment_start(request, level):
    lv = _level(level)
    learner = request.learner
    if request.method == "POST":
        try:
            attempt = services.start_attempt(learner, lv)
        except LearningError as exc:
            messages.error(request, exc.message)
            return redirect("learning:assessment_start", level=lv.slug)
        return redirect("learning:assessment", attempt=attempt.uuid)
    services.expire_open_attempts(learner)
    passed = Attempt.objects.filter(learner=learner, level=lv, passed=True).select_related("certificate").first()
    open_attempt = Attempt.objects.filter(learner=learner, level=lv, status=Attempt.Status.OPEN).first()
    ready = None if passed or open_attempt else services.next_allowed_start(learner, lv)
    return render(request, "learning/assessment_start.html", {
        "level": lv, "cfg": services.assessment_settings(), "passed": passed, "open_attempt": open_attempt,
        "ready": ready})


def _own_attempt(request, attempt):
    found = Attempt.objects.select_related("level").filter(uuid=attempt, learner__user_id=request.user.pk).first()
    if found is None:
        raise Http404
    return found


@never_cache
def assessment(request, attempt):
    """GET: the next unanswered question. POST: one answer, then back here (redirect)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('learning:sign_in')}?next={request.path}")
    if request.method == "POST":
        # The hot path: one SELECT and one guarded UPDATE; anything unusual takes the full path.
        if services.answer_fast(request.user.pk, attempt, request.POST.get("item"), request.POST.getlist("choice")):
            return redirect("learning:assessment", attempt=attempt)
        try:
            position = int(request.POST.get("item", ""))
        except ValueError:
            position = None
        item = None
        if position is not None:
            found = list(AttemptItem.objects.select_related("attempt", "question_version").filter(
                attempt__uuid=attempt, attempt__learner__user_id=request.user.pk, position=position).order_by()[:1])
            item = found[0] if found else None
        att = item.attempt if item is not None else _own_attempt(request, attempt)
        try:
            services.answer_item(item, request.POST.getlist("choice"), att)
        except LearningError as exc:
            messages.error(request, exc.message)
        return redirect("learning:assessment", attempt=att.uuid)
    att = _own_attempt(request, attempt)
    if att.status != Attempt.Status.OPEN:
        return redirect("learning:assessment_result", attempt=att.uuid)
    if timezone.now() > att.deadline:
        services.finish_attempt(att, expired=True)
        messages.error(request, _("Time is up: answers after the deadline are not counted."))
        return redirect("learning:assessment_result", attempt=att.uuid)
    item = AttemptItem.objects.select_related("question_version").filter(
        attempt=att, answered_at__isnull=True).order_by("position").first()
    if item is None:
        services.finish_attempt(att)
        return redirect("learning:assessment_result", attempt=att.uuid)
    version = item.question_version
    options = [(shown, version.options[original]["text"]) for shown, original in enumerate(item.order)]
    left = int((att.deadline - timezone.now()).total_seconds() // 60)
    return render(request, "learning/assessment.html", {
        "attempt": att, "item": item, "text": version.text, "multi": version.multi, "options": options,
        "minutes_left": left})


@never_cache
def assessment_result(request, attempt):
    if not request.user.is_authenticated:
        raise Http404
    att = _own_attempt(request, attempt)
    if att.status == Attempt.Status.OPEN:
        return redirect("learning:assessment", attempt=att.uuid)
    cert = Certificate.objects.filter(attempt=att).first()
    ready = None if att.passed else services.next_allowed_start(att.learner, att.level)
    missed = list(AttemptItem.objects.filter(attempt=att).exclude(is_correct=True).select_related(
        "question_version__question__lesson").order_by("position"))
    lessons = {i.question_version.question.lesson for i in missed}
    return render(request, "learning/assessment_result.html", {
        "attempt": att, "certificate": cert, "ready": ready, "cfg": services.assessment_settings(),
        "review_lessons": sorted(lessons, key=lambda x: x.position)})


# --- Certificates -------------------------------------------------------------------------------

def verify_lookup(request):
    code = request.GET.get("ma", "")
    if code:
        return redirect("learning:verify", code=services.normalise_code(code))
    return render(request, "learning/verify_lookup.html")


def verify(request, code):
    cert = Certificate.objects.select_related("level").filter(code=services.normalise_code(code)).first()
    if cert is None:
        return render(request, "learning/verify.html", {"cert": None, "code": code}, status=404)
    url = request.build_absolute_uri(reverse("learning:verify", args=[cert.code]))
    return render(request, "learning/verify.html", {"cert": cert, "masked": pii.mask_name(cert.full_name),
                                                    "url": url})


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def certificate_pdf(request, code):
    cert = Certificate.objects.select_related("level", "learner").filter(code=code).first()
    if cert is None:
        raise Http404
    learner = current_learner(request)
    if not (learner and learner.pk == cert.learner_id) and not Certificate.objects.for_user(
            request.user, "view").filter(pk=cert.pk).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("learning:verify", args=[cert.code]))
    data = pdf.certificate_pdf(
        full_name=cert.full_name, level_title=cert.level.title, issued_on=cert.issued_on.strftime("%d/%m/%Y"),
        commune=cert.commune_name, code=cert.code, verify_url=url,
        labels={"movement": _("Bình dân học vụ số"), "title": _("Certificate"),
                "certifies": _("This certifies that"), "passed": _("has passed the assessment of"),
                "commune": _("Commune"), "date": _("Date"), "code": _("Certificate code"),
                "scan": _("Scan to check this certificate")})
    return _pdf_response(data, f"chung-nhan-{cert.code}.pdf")


def lesson_poster(request, code):
    lesson = get_object_or_404(Lesson.objects.select_related("level"), code=code, active=True)
    url = request.build_absolute_uri(reverse("learning:lesson", args=[lesson.code]))
    data = pdf.poster_pdf(title=lesson.title, steps=lesson.key_steps, url=url,
                          labels={"movement": _("Bình dân học vụ số"), "level": lesson.level.title,
                                  "scan": _("Scan the code to learn on your phone")})
    return _pdf_response(data, f"ap-phich-{lesson.code}.pdf")


def lesson_handout(request, code):
    lesson = get_object_or_404(Lesson.objects.select_related("level"), code=code, active=True)
    url = request.build_absolute_uri(reverse("learning:lesson", args=[lesson.code]))
    data = pdf.handout_pdf(title=lesson.title, summary=lesson.summary, sections=lesson.sections,
                           source=lesson.source_title, url=url,
                           labels={"goal": _("You will be able to"), "steps": _("Steps"),
                                   "safety": _("Stay safe"), "practice": _("Practise on your own"),
                                   "source": _("Source"), "scan": _("Scan to open the lesson")})
    return _pdf_response(data, f"tai-lieu-{lesson.code}.pdf")


# --- Officer pages --------------------------------------------------------------------------------

@login_required
def officer_stats(request):
    data = stats.for_user(request.user)
    if data is None:
        raise PermissionDenied
    return render(request, "learning/officer_stats.html", data)


@login_required
def officer_learners(request):
    qs = LearnerAccount.objects.for_user(request.user, "view").select_related("village", "commune").annotate(
        n_certificates=Count("certificates", distinct=True))
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(full_name__icontains=query)
    page = Paginator(qs.order_by("full_name", "id"), 50).get_page(request.GET.get("page"))
    can_create = _villages_for(request.user).exists()
    return render(request, "learning/officer_learners.html", {"page": page, "q": query, "can_create": can_create})


def _villages_for(user):
    from binhdan.geo.models import Level as UnitLevel

    return AdminUnit.objects.filter(level=UnitLevel.VILLAGE, valid_to__isnull=True).filter(
        _learner_change_scope(user)).order_by("name_folded")


def _learner_change_scope(user):
    """Villages where this user may create learners (their change scope on LearnerAccount)."""
    from binhdan.core.querysets import assignments

    if user.is_superuser:
        return Q()
    allowed = LearnerAccount.scope_policy["change"]
    cond = Q(pk__in=[])
    for role, _unit_id, _level, path in assignments(user):
        if role in allowed:
            cond |= Q(path__startswith=path)
    return cond


@never_cache
@login_required
def officer_learner_create(request):
    villages = _villages_for(request.user)
    if not villages.exists():
        raise PermissionDenied
    form = CreateLearnerForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            learner = services.create_learner(
                full_name=form.cleaned_data["full_name"], phone=form.cleaned_data["phone"],
                pin=form.cleaned_data["pin"], unit=form.cleaned_data["village"], created_by=request.user)
        except LearningError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Account created. Print the sign-in card and give it to the learner."))
            return redirect("learning:officer_learner", uuid=learner.uuid)
    return render(request, "learning/officer_learner_form.html", {"form": form})


@login_required
def officer_learner(request, uuid):
    if request.method == "POST":
        learner = get_for_write(LearnerAccount.objects.all(), request.user, uuid=uuid)
        action = request.POST.get("action")
        if action == "link":
            from binhdan.people.models import Person

            person = Person.objects.for_user(request.user, "view").filter(uuid=request.POST.get("person")).first()
            if person is None:
                messages.error(request, _("Choose a person from the list."))
            else:
                services.link_person(learner, person, by=request.user)
                messages.success(request, _("Linked to %(name)s in the register.") % {"name": person.full_name})
        elif action == "card":
            services.new_card_token(learner, by=request.user)
            messages.success(request, _("A new sign-in card was made; the old card no longer works."))
        elif action == "pin":
            try:
                services.set_pin(learner, request.POST.get("pin", ""), by=request.user)
                messages.success(request, _("The PIN was changed."))
            except LearningError as exc:
                messages.error(request, exc.message)
        return redirect("learning:officer_learner", uuid=learner.uuid)
    learner = get_for_read(LearnerAccount.objects.select_related("person", "village", "commune"), request.user,
                           uuid=uuid)
    candidates = []
    if learner.person_id is None and learner.village_id:
        from binhdan.core.text import fold
        from binhdan.people.models import Person

        candidates = list(Person.objects.for_user(request.user, "view").filter(
            village_id=learner.village_id, valid_to__isnull=True, name_folded=fold(learner.full_name))[:10])
    attempts = list(learner.attempts.select_related("level")[:20])
    certificates = list(learner.certificates.select_related("level"))
    phone = pii.mask_phone(pii.decrypt(learner.phone_encrypted))
    return render(request, "learning/officer_learner.html", {
        "learner": learner, "attempts": attempts, "certificates": certificates, "candidates": candidates,
        "phone": phone})


@login_required
def officer_learner_card(request, uuid):
    learner = get_for_write(LearnerAccount.objects.select_related("village", "commune"), request.user, uuid=uuid)
    url = request.build_absolute_uri(reverse("learning:card_sign_in", args=[learner.card_token]))
    return render(request, "learning/officer_card.html", {"learner": learner, "qr": pdf.qr_svg(url, 5), "url": url})


@login_required
def officer_certificates(request):
    qs = Certificate.objects.for_user(request.user, "view").select_related("level", "revoked_by")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "learning/officer_certificates.html", {"page": page, "form": RevokeForm()})


@require_POST
@login_required
def officer_certificate_revoke(request, code):
    cert = get_for_write(Certificate.objects.all(), request.user, code=code)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_certificate(cert, request.user, form.cleaned_data["reason"])
            messages.success(request, _("Certificate %(code)s is revoked.") % {"code": cert.code})
        except LearningError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Please give the reason for revoking."))
    return redirect("learning:officer_certificates")
