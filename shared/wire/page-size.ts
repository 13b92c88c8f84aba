/** How many rows a list answers a page (zod-free: the add-on's bundle imports it). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
