// cdop-scr's script: start GOV.UK Frontend's components. Loaded as a module, never inline (CSP).
import { initAll } from './govuk-frontend.min.js'

initAll()

// Formatting buttons for the learning summary text boxes (textareas marked data-rich-text).
// Progressive enhancement: without this script the box still takes the allowed HTML typed by
// hand, and the server sanitises whatever arrives either way. Each button wraps the selected
// text in one of the allowed tags: paragraphs, lists, emphasis and links.
function listOf (tag, text) {
  const items = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean)
  const lines = (items.length ? items : ['List item']).map((item) => `  <li>${item}</li>`)
  return { text: `<${tag}>\n${lines.join('\n')}\n</${tag}>`, select: null }
}

function wrapped (open, close, placeholder) {
  return (text) => ({ text: `${open}${text || placeholder}${close}`, select: text ? null : [open.length, open.length + placeholder.length] })
}

function link (text) {
  // A selected address becomes its own link; otherwise the address is left selected to type.
  if (/^https?:\/\/\S+$/.test(text.trim())) {
    const href = text.trim()
    return { text: `<a href="${href}">${href}</a>`, select: null }
  }
  const open = '<a href="'
  const address = 'https://'
  return { text: `${open}${address}">${text || 'link text'}</a>`, select: [open.length, open.length + address.length] }
}

const FORMATS = [
  { name: 'paragraph', label: 'Paragraph', apply: wrapped('<p>', '</p>', 'Paragraph text') },
  { name: 'bulleted-list', label: 'Bulleted list', apply: (text) => listOf('ul', text) },
  { name: 'numbered-list', label: 'Numbered list', apply: (text) => listOf('ol', text) },
  { name: 'bold', label: 'Bold', apply: wrapped('<strong>', '</strong>', 'bold text') },
  { name: 'emphasis', label: 'Emphasis', apply: wrapped('<em>', '</em>', 'emphasised text') },
  { name: 'link', label: 'Link', apply: link }
]

function format (textarea, apply) {
  const start = textarea.selectionStart
  const end = textarea.selectionEnd
  const result = apply(textarea.value.slice(start, end))
  textarea.setRangeText(result.text, start, end, 'end')
  textarea.focus()
  if (result.select) {
    textarea.setSelectionRange(start + result.select[0], start + result.select[1])
  }
  textarea.dispatchEvent(new Event('input', { bubbles: true }))
}

function addToolbar (textarea) {
  const label = document.querySelector(`label[for="${textarea.id}"]`)
  const fieldName = label ? label.textContent.trim() : 'this box'
  const toolbar = document.createElement('div')
  toolbar.className = 'govuk-button-group app-rich-text-toolbar'
  toolbar.setAttribute('role', 'group')
  // Named without the box's label, so the label still names the box alone; each button says
  // which box it formats.
  toolbar.setAttribute('aria-label', 'Text formatting')
  toolbar.dataset.richTextToolbar = textarea.id
  for (const { name, label: text, apply } of FORMATS) {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-1'
    button.dataset.format = name
    button.setAttribute('aria-controls', textarea.id)
    button.textContent = text
    const hidden = document.createElement('span')
    hidden.className = 'govuk-visually-hidden'
    hidden.textContent = ` (${fieldName})`
    button.appendChild(hidden)
    button.addEventListener('click', () => format(textarea, apply))
    toolbar.appendChild(button)
  }
  textarea.parentNode.insertBefore(toolbar, textarea)
}

document.querySelectorAll('textarea[data-rich-text]').forEach(addToolbar)
