import { Column, type ColumnOptions } from 'typeorm';

/**
 * Column helpers shared by every entity, chosen to mean the same on MariaDB and SQLite:
 * - instants are `datetime(3)` holding UTC (set from the injected clock, never by a database default);
 * - service days are `date` strings (YYYY-MM-DD, Asia/Shanghai);
 * - money is an integer number of fen.
 */
export function InstantColumn(options: Omit<ColumnOptions, 'type' | 'precision'> = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 3, ...options });
}

export function DayColumn(options: Omit<ColumnOptions, 'type' | 'length'> = {}): PropertyDecorator {
  return Column({ type: 'date', ...options });
}

export function FenColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ type: 'int', default: 0, ...options });
}

export function TextColumn(length: number, options: Omit<ColumnOptions, 'type' | 'length'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length, ...options });
}
