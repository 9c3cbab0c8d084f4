import { describe, expect, it } from 'vitest';
import { reasonLine, tasteMessages, tasteTranslator } from '../../client/i18n/taste.ts';
import type { Reason, Trait } from '../../shared/taste/engine.ts';

const trait = (name: Trait): Reason => ({ key: 'trait', params: { trait: name } });
const like = (drink: string): Reason => ({ key: 'like_past', params: { drink } });

const CASES: { reasons: Reason[]; en: string; fr: string }[] = [
  { reasons: [trait('bitter'), trait('strong'), like('Negroni')], en: 'Bitter and strong, like the Negroni you had', fr: 'Amer et fort, comme votre Negroni' },
  { reasons: [trait('bitter'), trait('strong')], en: 'Bitter and strong', fr: 'Amer et fort' },
  { reasons: [trait('fizzy')], en: 'Fizzy', fr: 'Pétillant' },
  { reasons: [trait('dry'), trait('sour')], en: 'Dry and sour', fr: 'Sec et acidulé' },
  { reasons: [trait('sweet'), trait('creamy')], en: 'Sweet and creamy', fr: 'Sucré et crémeux' },
  { reasons: [trait('fruity'), trait('light')], en: 'Fruity and light', fr: 'Fruité et léger' },
  { reasons: [trait('alcohol_free'), trait('fizzy'), like('Mojito')], en: 'Alcohol-free and fizzy, like the Mojito you had', fr: 'Sans alcool et pétillant, comme votre Mojito' },
  { reasons: [like('Daiquiri')], en: 'Like the Daiquiri you had', fr: 'Comme votre Daiquiri' },
  { reasons: [trait('bitter'), { key: 'had_before', params: { drink: 'Negroni' } }], en: 'Bitter, one you have had before', fr: 'Amer, vous l’avez déjà pris' },
  { reasons: [{ key: 'menu_pick', params: {} }], en: 'A good pick from tonight’s menu', fr: 'Un bon choix de la carte du jour' },
  { reasons: [trait('sour'), trait('bitter'), trait('fruity')], en: 'Sour, bitter and fruity', fr: 'Acidulé, amer et fruité' },
];

describe('suggestion reasons', () => {
  it.each(CASES)('read as one line in English and French: $en', ({ reasons, en, fr }) => {
    expect(reasonLine(reasons, tasteTranslator('en'))).toBe(en);
    expect(reasonLine(reasons, tasteTranslator('fr'))).toBe(fr);
  });

  it('has every string in both languages', () => {
    expect(Object.keys(tasteMessages.fr).sort()).toEqual(Object.keys(tasteMessages.en).sort());
    for (const text of Object.values(tasteMessages.fr)) expect(text.trim()).not.toBe('');
  });
});
