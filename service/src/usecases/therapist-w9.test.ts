/**
 * The W-9 page's certification against Part II of Form W-9 (Rev. March 2024) as the IRS prints
 * it (page 1, from "Under penalties of perjury" to "See the instructions for Part II, later."),
 * copied here from the form once so that an edit to the page's words shows as a difference.
 */
import { describe, expect, it } from 'vitest';
import { W9_CERTIFICATION, W9_CERTIFICATION_INSTRUCTIONS, W9_FORM_REVISION } from './therapist-w9.ts';

const FORM_PART_II = [
  'Under penalties of perjury, I certify that:',
  '1. The number shown on this form is my correct taxpayer identification number (or I am waiting for a number to be issued to me); and',
  '2. I am not subject to backup withholding because (a) I am exempt from backup withholding, or (b) I have not been notified by the Internal Revenue Service (IRS) that I am subject to backup withholding as a result of a failure to report all interest or dividends, or (c) the IRS has notified me that I am no longer subject to backup withholding; and',
  '3. I am a U.S. citizen or other U.S. person (defined below); and',
  '4. The FATCA code(s) entered on this form (if any) indicating that I am exempt from FATCA reporting is correct.',
  'Certification instructions. You must cross out item 2 above if you have been notified by the IRS that you are currently subject to backup withholding because you have failed to report all interest and dividends on your tax return. For real estate transactions, item 2 does not apply. For mortgage interest paid, acquisition or abandonment of secured property, cancellation of debt, contributions to an individual retirement arrangement (IRA), and, generally, payments other than interest and dividends, you are not required to sign the certification, but you must provide your correct TIN. See the instructions for Part II, later.',
];

describe('the W-9 certification', () => {
  it('is Part II of Form W-9 (Rev. March 2024) word for word', () => {
    expect(W9_FORM_REVISION).toBe('March 2024');
    expect([...W9_CERTIFICATION, W9_CERTIFICATION_INSTRUCTIONS]).toEqual(FORM_PART_II);
  });
});
