"""A second step for actions that cannot be taken back: the form posts once, gets a page
saying what will happen, and only the "Yes" on that page acts. No script needed.

The first post changes nothing (its one-time token is not kept, as nothing commits), and
the page carries what was typed, so nothing is lost on the way.
"""

from __future__ import annotations

from flask import render_template, request

CONFIRMED = "confirmed"
HIDDEN = {"csrf_token", "_once", CONFIRMED}

CONSEQUENCES = {
    "cancel": ("Cancel “{title}”?", "Yes, cancel the task",
               "Cancelling ends the task for everyone: its team and waitlist are told, and "
               "it leaves the board. It cannot be undone."),
    "complete": ("Mark “{title}” as done?", "Yes, mark it done",
                 "Marking it done closes the task: nobody joins or logs work on it any more. "
                 "The outcome note below is kept with it."),
    "leave": ("Leave “{title}”?", "Yes, leave the task",
              "You give up your place on the team; the first person on the waitlist takes "
              "it, and you would have to join again."),
    "hand_over": ("Hand “{title}” over to {successor}?", "Yes, hand it over",
                  "{successor} becomes the initiator: from now on they edit, complete and "
                  "cancel the task, and only they can hand it back. {after}"),
    "revoke_token": ("Revoke the token “{title}”?", "Yes, revoke it",
                     "Programs using this token are refused from the next request on. A "
                     "revoked token cannot be used again; you would make a new one."),
    "remove_webhook": ("Remove the webhook to {title}?", "Yes, remove it",
                       "Nothing more is sent to this address, and deliveries still waiting "
                       "are dropped. You would have to add it again, with a new secret."),
}


def confirmation_page(action: str, title: str, back: str, *, echo: bool = True,
                      **details: str):
    """The page to show instead of acting, or None when the person said yes. With `echo`
    the page repeats what was typed; choices that `details` already put in words don't
    need it."""
    if request.form.get(CONFIRMED) == "yes":
        return None
    question, yes, consequence = CONSEQUENCES[action]
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if name not in HIDDEN]
    words = {"title": title, **details}
    return render_template("confirm.html", question=question.format(**words),
                           consequence=consequence.format(**words), yes=yes, carried=carried,
                           echo=echo,
                           action=request.path, back=back), 200
