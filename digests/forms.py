from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency


class PreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often do you want the digest?"), choices=Frequency.choices, widget=forms.RadioSelect
    )
