/** ButtonEventStore on the MemoryTable. */
import type { ButtonEvent, ButtonEventStore } from '../../core/events/button-events.ts';
import { clone, type MemoryTable } from './memory-table.ts';

export class MemoryButtonEventStore implements ButtonEventStore {
  constructor(private readonly table: MemoryTable) {}

  async addEvent(event: ButtonEvent): Promise<boolean> {
    if (this.table.buttonEvents.has(event.eventId)) return false;
    this.table.buttonEvents.set(event.eventId, { event: clone(event), published: false });
    return true;
  }

  async pendingEvents(limit: number): Promise<ButtonEvent[]> {
    return clone(
      [...this.table.buttonEvents.values()]
        .filter((entry) => !entry.published)
        .map((entry) => entry.event)
        .sort((a, b) => a.at - b.at || a.eventId.localeCompare(b.eventId))
        .slice(0, limit),
    );
  }

  async markEventPublished(eventId: string): Promise<void> {
    const entry = this.table.buttonEvents.get(eventId);
    if (entry) entry.published = true;
  }
}
