"""The translation's in-place editor: several lines of plain text. Enter commits, Shift+Enter starts a
new line, Escape cancels (the default delegate's handling)."""

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QPlainTextEdit, QStyledItemDelegate, QWidget

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
EDITOR_LINES = 3  # the editor opens at least this tall, over the rows below if need be


class TranslationDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        editor.installEventFilter(self)
        return editor

    def setEditorData(self, editor: QPlainTextEdit, index: QModelIndex) -> None:
        editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.moveCursor(editor.textCursor().MoveOperation.End)

    def setModelData(self, editor: QPlainTextEdit, model, index: QModelIndex) -> None:
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QPlainTextEdit, option, index: QModelIndex) -> None:
        rect = option.rect
        tall = editor.fontMetrics().lineSpacing() * EDITOR_LINES + 2 * editor.frameWidth() + 8
        rect.setHeight(max(rect.height(), tall))
        editor.setGeometry(rect)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() in (*_ENTER, Qt.Key.Key_Escape)):
            event.accept()  # the editor's keys, not the window's shortcuts (Enter edits the line there)
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in _ENTER:
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                editor.insertPlainText("\n")  # a plain newline, not the line separator Qt would insert
            else:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            return True
        return super().eventFilter(editor, event)
