"""What the Slack adapter itself says, beside the core's answers."""

from __future__ import annotations

from bot.core.commands import Command, Kind
from bot.core.messages import FileInput, Form, Message, TextInput

# A form that asks for a command's parameters, files included, since a slash command can carry
# no file; its value is the command's "group name".
COMMAND_FORM = "slash-command"


def answer_in_dm() -> Message:
    return Message(
        body="My answer is in our DM: open mentorbot's *Messages* tab.",
        private=True,
    )


def file_needs_a_command(commands: list[Command]) -> Message:
    """A file shared in the DM with no command that takes it."""
    taking = [c for c in commands if any(p.kind == Kind.ATTACHMENT for p in c.params)]
    if not taking:
        return Message(body="I don't take files here. `/mentor help` lists what I can do.")
    examples = ", ".join(f"`{c.group} {c.name}`" for c in taking)
    return Message(
        body="To give me a file, write the command it is for as the file's message, for "
        f"example {examples}."
    )


def command_form(command: Command, typed: str) -> Form:
    """The command's parameters as a form: a file input for each file, a text input for each
    other parameter, filled in with what was typed after the command."""
    words = typed.split()
    texts = [p for p in command.params if p.kind != Kind.ATTACHMENT]
    inputs: list[FileInput | TextInput] = []
    for param in command.params:
        label = f"{param.name}: {param.description}"
        if param.kind == Kind.ATTACHMENT:
            inputs.append(FileInput(param.name, label, required=param.required))
            continue
        last = param is texts[-1]
        given = " ".join(words) if last else (words.pop(0) if words else "")
        inputs.append(TextInput(param.name, label, required=param.required, default=given))
    return Form(
        COMMAND_FORM,
        f"/{command.group} {command.name}",
        tuple(inputs),
        value=f"{command.group} {command.name}",
        submit="Send",
    )
