"""Slack's Block Kit limits the views keep to (slack_sdk checks only some of them)."""

from __future__ import annotations

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100  # modals and App Home
SECTION_TEXT = 3000
FIELD_TEXT = 2000
CONTEXT_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75  # option text and description, in every element
OPTION_VALUE = 150
MENU_VALUE = 75  # what we allow ourselves in an overflow value (compact by design)
OVERFLOW_OPTIONS = 5
SELECT_OPTIONS = 100
CHECKBOX_OPTIONS = 10
MODAL_TITLE = 24  # title, submit and close
INPUT_LABEL = 2000
PLACEHOLDER = 150
