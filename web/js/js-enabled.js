// Marks the page as having JavaScript (and ES module support) so the NHS.UK
// frontend styles enhance components. A separate file because the
// Content-Security-Policy does not allow inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
