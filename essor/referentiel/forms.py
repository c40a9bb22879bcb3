from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class PublishForm(forms.Form):
    file = forms.FileField(
        label=_("Référentiel file"),
        help_text=_("YAML or JSON, in the essor-referentiel/1 format. At most 2 MB."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
