/**
 * What Apps Script offers that @types/google-apps-script 2.0.13 does not declare yet: the
 * form's email collection type (Form.setEmailCollectionType, FormApp.EmailCollectionType).
 * The add-on's code and the test doubles both compile against it.
 */
declare namespace GoogleAppsScript {
  namespace Forms {
    /** VERIFIED: the respondent signs in with Google and the account's email is recorded, not typed. */
    enum EmailCollectionType {
      DO_NOT_COLLECT,
      VERIFIED,
      RESPONDER_INPUT,
    }
    interface Form {
      getEmailCollectionType(): EmailCollectionType;
      setEmailCollectionType(emailCollectionType: EmailCollectionType): Form;
    }
    interface FormApp {
      EmailCollectionType: typeof EmailCollectionType;
    }
  }
}
