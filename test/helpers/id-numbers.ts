import { idCheckCharacter } from '../../server/lib/id-card';

/** A valid 18-character ID number: area code, birth date (YYYY-MM-DD), a 3-digit sequence (odd: male, even: female). */
export function idNumber(birthDate: string, seq: number, area = '330105'): string {
  const first17 = `${area}${birthDate.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}
