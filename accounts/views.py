from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import LanguageForm
from accounts.services import user_set_language
from core.http import local_redirect


@require_POST
def language_set(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data["language"]
        user_set_language(user=request.user, language=language)
        translation.activate(language)
        messages.success(request, _("Language changed."))
    else:
        messages.error(request, _("That language is not available."))
    return local_redirect(request, request.POST.get("next"))
