// cdop-scr's script: start GOV.UK Frontend's components. Loaded as a module, never inline (CSP).
import { initAll } from './govuk-frontend.min.js'

initAll()
