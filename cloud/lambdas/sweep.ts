/** Placeholder sweep entry point (EventBridge schedule, every minute); replaced by the real sweep. */
export async function handler(): Promise<void> {}
