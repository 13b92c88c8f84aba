/**
 * One email sent from the owner's account. MailApp.sendEmail throws when Google refuses a
 * message (an address it cannot read, such as a typo in Contact Email): caught here so one
 * bad address does not end a run midway, after some emails went out but before the run
 * could note them (they would go out again on the next run).
 */
export function sendEmailOrRefusal(message: GoogleAppsScript.Mail.MailAdvancedParameters): string | null {
  try {
    MailApp.sendEmail(message);
    return null;
  } catch (e) {
    return typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
  }
}
