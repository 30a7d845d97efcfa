"""Sign-in, two-factor and password forms."""

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from ..forms import FlaskForm


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=1024)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code from your authenticator app, or one of your recovery codes",
        validators=[InputRequired(message="Enter the security code"), Length(max=32)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class StartEnrolForm(FlaskForm):
    start = SubmitField("Set up two-factor sign-in", widget=GovSubmitInput())


class EnrolForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description="Enter the 6-digit code your app shows for this service",
        validators=[InputRequired(message="Enter the 6-digit code"), Length(max=32)],
    )
    submit = SubmitField("Turn on two-factor sign-in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), Length(max=1024)],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words is a good choice.",
        validators=[InputRequired(message="Enter a new password"), Length(max=1024)],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())
