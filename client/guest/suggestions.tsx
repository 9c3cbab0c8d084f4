import { useEffect, useId, useRef, useState } from 'react';
import { NO_ANSWERS, type TasteAnswers, type TasteQuestion } from '../../shared/taste/answers.ts';
import { reasonLine, tasteMessages, type TasteKey } from '../i18n/taste.ts';
import { useTranslator } from '../i18n/translator.ts';
import { navigate } from '../lib/router.ts';
import { placeOrder } from './place-order.ts';
import { startingOptions } from './drink-facts.tsx';
import type { MenuDrink } from '../../shared/schemas/menu.ts';
import { forgetAnswers, loadAnswers, saveAnswers, suggestFromPhone } from './taste-store.ts';
import { useLive } from './use-live.ts';
import { AssistantPanel } from './assistant.tsx';
import './suggestions.css';

export function useTasteT() {
  return useTranslator(tasteMessages);
}

interface Choice {
  label: TasteKey;
  apply: (answers: TasteAnswers) => TasteAnswers;
}

const yesNo = (question: 'sour' | 'bitter' | 'fizzy' | 'creamy' | 'fruity'): Choice[] => [
  { label: `q.${question}.yes`, apply: (a) => ({ ...a, [question]: true }) },
  { label: `q.${question}.no`, apply: (a) => ({ ...a, [question]: false }) },
];

const CHOICES: Record<TasteQuestion, Choice[]> = {
  alcohol_free: [
    { label: 'q.alcohol_free.yes', apply: (a) => ({ ...a, alcohol_free: true, strength: null }) },
    { label: 'q.alcohol_free.no', apply: (a) => ({ ...a, alcohol_free: false }) },
  ],
  strength: [
    { label: 'q.strength.strong', apply: (a) => ({ ...a, strength: 'strong' }) },
    { label: 'q.strength.light', apply: (a) => ({ ...a, strength: 'light' }) },
  ],
  sweetness: [
    { label: 'q.sweetness.sweet', apply: (a) => ({ ...a, sweetness: 'sweet' }) },
    { label: 'q.sweetness.dry', apply: (a) => ({ ...a, sweetness: 'dry' }) },
  ],
  sour: yesNo('sour'),
  bitter: yesNo('bitter'),
  fizzy: yesNo('fizzy'),
  creamy: yesNo('creamy'),
  fruity: yesNo('fruity'),
};

/** The questions this guest still meets: strength means nothing to an alcohol-free drink. */
function questionsFor(answers: TasteAnswers): TasteQuestion[] {
  return (Object.keys(CHOICES) as TasteQuestion[]).filter((question) => !(question === 'strength' && answers.alcohol_free));
}

function Question({ answers, step, onAnswer, onDone }: { answers: TasteAnswers; step: number; onAnswer: (next: TasteAnswers) => void; onDone: () => void }) {
  const t = useTasteT();
  const questions = questionsFor(answers);
  const question = questions[step]!;
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  // Each tap brings a new question: move focus to it so screen readers read it out.
  useEffect(() => {
    heading.current?.focus();
  }, [step]);
  return (
    <div className="suggest-question" data-question={question}>
      <p className="muted">{t('suggest.progress', { n: step + 1, total: questions.length })}</p>
      <h2 id={headingId} ref={heading} tabIndex={-1}>{t(`q.${question}`)}</h2>
      <div className="suggest-choices" role="group" aria-labelledby={headingId}>
        {CHOICES[question].map((choice) => (
          <button key={choice.label} type="button" className="primary" onClick={() => onAnswer(choice.apply(answers))}>
            {t(choice.label)}
          </button>
        ))}
        <button type="button" onClick={() => onAnswer(answers)}>{t('suggest.skip')}</button>
      </div>
      <button type="button" className="ghost wide" onClick={onDone}>{t('suggest.showNow')}</button>
    </div>
  );
}

function Results({ answers, onRestart }: { answers: TasteAnswers; onRestart: () => void }) {
  const t = useTasteT();
  const view = useLive(() => suggestFromPhone(answers), [answers]);
  const [ordering, setOrdering] = useState<string | null>(null);

  async function order(drink: MenuDrink) {
    if (ordering) return;
    setOrdering(drink.id);
    await placeOrder(drink, null, startingOptions(drink));
    navigate('/orders');
  }

  let body;
  if (!view) body = <p className="muted" aria-busy="true">{t('suggest.loading')}</p>;
  else if (!view.menuLoaded) body = <p role="alert">{t('suggest.noMenu')}</p>;
  else if (view.suggestions.length === 0) body = <p>{t('suggest.none')}</p>;
  else
    body = (
      <ul className="suggestions">
        {view.suggestions.map(({ drink, reasons }) => (
          <li key={drink.id} className="suggestion" data-suggestion={drink.id}>
            <div className="suggestion-text">
              <h3>{drink.name}</h3>
              <p className="suggestion-reason">{reasonLine(reasons, t)}</p>
            </div>
            <button type="button" className="primary" disabled={ordering !== null} aria-label={t('suggest.order', { name: drink.name })} onClick={() => void order(drink)}>
              {t('suggest.orderShort')}
            </button>
          </li>
        ))}
      </ul>
    );
  return (
    <div className="suggest-results">
      <h2>{t('suggest.results')}</h2>
      {body}
      <button type="button" className="wide" onClick={onRestart}>{t('suggest.again')}</button>
      <p className="muted small">{t('suggest.kept')}</p>
      <button type="button" className="ghost" onClick={() => void forgetAnswers()}>{t('suggest.forget')}</button>
    </div>
  );
}

/** /suggest: a few one-tap questions, then three drinks from the saved menu (works offline). */
export function SuggestionsPage() {
  const t = useTasteT();
  const saved = useLive(async () => (await loadAnswers()) ?? null, []);
  const [draft, setDraft] = useState<{ answers: TasteAnswers; step: number } | null>(null);

  const asking = draft !== null || saved === null;
  const current = draft ?? { answers: NO_ANSWERS, step: 0 };

  async function finish(answers: TasteAnswers) {
    await saveAnswers(answers);
    setDraft(null);
  }

  function answer(next: TasteAnswers) {
    const step = current.step + 1;
    if (step >= questionsFor(next).length) void finish(next);
    else setDraft({ answers: next, step });
  }

  return (
    <section className="suggest" aria-labelledby="suggest-title">
      <a href="/menu" className="ghost-link" onClick={(e) => { e.preventDefault(); navigate('/menu'); }}>← {t('suggest.close')}</a>
      <h1 id="suggest-title">{t('suggest.title')}</h1>
      {saved === undefined ? null : asking ? (
        <>
          {current.step === 0 && <p className="muted">{t('suggest.lead')}</p>}
          <Question answers={current.answers} step={current.step} onAnswer={answer} onDone={() => void finish(current.answers)} />
        </>
      ) : (
        <>
          <Results answers={saved} onRestart={() => setDraft({ answers: NO_ANSWERS, step: 0 })} />
          <AssistantPanel answers={saved} />
        </>
      )}
    </section>
  );
}
