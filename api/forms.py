"""The book import page's forms: the upload to check, then the import of the file checked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.services.book import CSV_ENCODINGS

# The page imports within a web request (the server gives a request 30 s): bigger files go
# through `manage.py book_import`, which has no limit. 20 MB is about 250,000 contracts.
BOOK_IMPORT_MAX_BYTES = 20 * 2**20

KIND_LABELS = {
    "products": _("Products"),
    "customers": _("Customers"),
    "contracts": _("Contracts"),
}
ENCODING_LABELS = {
    "utf-8-sig": _("UTF-8"),
    "cp949": _("Korean Windows (CP949, as Excel saves it)"),
}


class BookImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"))
    file = forms.FileField(label=_("CSV file"))
    encoding = forms.ChoiceField(
        label=_("Text encoding"),
        choices=[(code, ENCODING_LABELS[code]) for code in CSV_ENCODINGS],
        initial=CSV_ENCODINGS[0],
        required=False,
    )

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, KIND_LABELS[kind]) for kind in kinds]

    def clean_encoding(self) -> str:
        return self.cleaned_data["encoding"] or CSV_ENCODINGS[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > BOOK_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(max)d MB: import it with the command "
                    "“manage.py book_import”."
                )
                % {"max": BOOK_IMPORT_MAX_BYTES // 2**20}
            )
        return upload


class BookImportApplyForm(forms.Form):
    """The import of the file the user checked: only its token, kept for them."""

    token = forms.RegexField(regex=r"\A[A-Za-z0-9_-]{32}\Z", widget=forms.HiddenInput)
