/**
 * What Set up stores: document properties, so every editor of the sheet talks to the same org.
 * Where the service is is not among them: it is fixed when the add-on is built
 * (service-client/client.ts), because every editor of the sheet can change these.
 */
const KEYS = {
  orgId: 'VL_ORG_ID',
  formId: 'VL_FORM_ID',
  formItems: 'VL_FORM_ITEMS',
  ratesFrom: 'VL_RATES_FROM',
  vocabulary: 'VL_VOCABULARY',
  reminderSchedule: 'VL_REMINDER_SCHEDULE',
  noticesEmailed: 'VL_NOTICES_EMAILED',
} as const;
export type ConfigKey = keyof typeof KEYS;

/** Rate sheets carry no dates: their rates apply from this day (always, unless the owner says otherwise). */
export const DEFAULT_RATES_FROM = '2000-01-01';

export type Config = Partial<Record<ConfigKey, string>>;

/** One read of every property: getProperties() once, not one call per key. */
export function readConfig(): Config {
  const all = PropertiesService.getDocumentProperties().getProperties();
  const config: Config = {};
  for (const [key, name] of Object.entries(KEYS) as [ConfigKey, string][]) if (all[name] !== undefined) config[key] = all[name];
  return config;
}

export function writeConfig(values: Config): void {
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(values) as [ConfigKey, string | undefined][]) if (value !== undefined) props[KEYS[key]] = value;
  PropertiesService.getDocumentProperties().setProperties(props);
}

/** The org the sheet acts for; the service is the one the add-on was built for. */
export type Connection = { orgId: string };

export function connection(config: Config): Connection | null {
  return config.orgId ? { orgId: config.orgId } : null;
}

/** The user's sidebar panel request (menu item -> sidebar): per user, not per document. */
const PANEL_KEY = 'VL_PANEL';
export function setRequestedPanel(panel: string): void {
  PropertiesService.getUserProperties().setProperty(PANEL_KEY, panel);
}
export function takeRequestedPanel(): string | null {
  const props = PropertiesService.getUserProperties();
  const panel = props.getProperty(PANEL_KEY);
  if (panel !== null) props.deleteProperty(PANEL_KEY);
  return panel;
}
