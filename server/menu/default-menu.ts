import type { Allergen } from '../../shared/allergens.ts';
import type { Glass } from '../../shared/illustration/glasses.ts';
import type { Recipe } from '../../shared/schemas/menu.ts';
import type { OptionGroup } from '../../shared/schemas/menu-options.ts';
import { FRENCH_ALCOHOL_FREE, FRENCH_DRINKS, FRENCH_SECTIONS, FRENCH_STYLE } from './default-menu.fr.ts';

/**
 * The menu a fresh installation starts with. Hosts are expected to edit,
 * hide or delete any of it; it only exists so the bar is usable on day one.
 *
 * Amounts are per single serving. "Sugar syrup" means 1:1 sugar and water.
 */

export interface DefaultDrink {
  name: string;
  /** One appetising sentence for guests, at most 200 characters. */
  description: string;
  /** Short guest-facing ingredient list. */
  ingredients: string[];
  /** The bartender's recipe. */
  recipe: Recipe;
}

export interface DefaultSection {
  name: string;
  drinks: DefaultDrink[];
}

/** A default drink as seeded: the text in the host's language, its facts and its options. */
export interface SeededDrink extends DefaultDrink {
  glass: Glass;
  alcohol_free: boolean;
  allergens: Allergen[];
  abv: number | null;
  options: OptionGroup[];
}

/** What a drink's alcohol-free choice does without, and what it uses instead, in the menu's language. */
export interface AlcoholFreeVersion {
  removes: string[];
  adds?: string[];
}

/** The names of the Style group and its two choices. */
export interface StyleNames {
  group: string;
  classic: string;
  alcoholFree: string;
}

export const MENU_LANGUAGES = ['en', 'fr'] as const;
export type MenuLanguage = (typeof MENU_LANGUAGES)[number];

/** The menu a fresh installation seeds, in the host's language (MENU_LANGUAGE). */
export function defaultMenu(language: MenuLanguage): { name: string; drinks: SeededDrink[] }[] {
  return DEFAULT_MENU.map((section) => ({
    name: language === 'fr' ? (FRENCH_SECTIONS[section.name] ?? section.name) : section.name,
    drinks: section.drinks.map((drink) => {
      const facts = DEFAULT_FACTS[drink.name];
      if (!facts) throw new Error(`no facts for the default drink ${drink.name}`);
      const text = language === 'fr' ? FRENCH_DRINKS[drink.name] : undefined;
      if (language === 'fr' && !text) throw new Error(`no French text for the default drink ${drink.name}`);
      const [glass, abv, allergens] = facts;
      const alcoholFree = language === 'fr' ? FRENCH_ALCOHOL_FREE[drink.name] : ALCOHOL_FREE[drink.name];
      const options = alcoholFree ? [styleGroup(language === 'fr' ? FRENCH_STYLE : STYLE, alcoholFree)] : [];
      return { ...drink, ...text, glass, abv, allergens, alcohol_free: abv === 0, options };
    }),
  }));
}

/**
 * A "Style" group, the classic by default: ids are the same in every language, so the
 * alcohol-free choice stays available (and orderable) while its spirit is out.
 */
function styleGroup(names: StyleNames, version: AlcoholFreeVersion): OptionGroup {
  return {
    id: 'style',
    name: names.group,
    required: false,
    default: 'classic',
    choices: [
      { id: 'classic', name: names.classic },
      { id: 'alcohol-free', name: names.alcoholFree, ...(version.adds ? { adds: version.adds } : {}), removes: version.removes },
    ],
  };
}

const STYLE: StyleNames = { group: 'Style', classic: 'Classic', alcoholFree: 'Alcohol-free' };

/** The default drinks a bar also makes alcohol-free, by name (the French names in default-menu.fr.ts). */
const ALCOHOL_FREE: Record<string, AlcoholFreeVersion> = {
  'Gin & Tonic': { removes: ['Gin'], adds: ['Alcohol-free gin'] },
  'Moscow Mule': { removes: ['Vodka'] },
  Paloma: { removes: ['Tequila blanco'] },
};

/** Glass, approximate ABV (%) and allergens of each default drink, by name. */
const DEFAULT_FACTS: Record<string, [Glass, number, Allergen[]]> = {
  Negroni: ['rocks', 24, ['sulphites']],
  'Old Fashioned': ['rocks', 32, []],
  Daiquiri: ['coupe', 20, []],
  Margarita: ['rocks', 22, []],
  'Whiskey Sour': ['rocks', 15, ['egg']],
  'Espresso Martini': ['coupe', 18, []],
  Cosmopolitan: ['martini', 20, []],
  Manhattan: ['coupe', 28, ['sulphites']],
  'Mulled Wine': ['mug', 13, ['sulphites']],
  'Hot Toddy': ['mug', 8, []],
  Eggnog: ['rocks', 14, ['egg', 'milk']],
  'French 75': ['flute', 15, ['sulphites']],
  'Irish Coffee': ['irish_coffee', 10, ['milk']],
  'Kir Royale': ['flute', 12, ['sulphites']],
  Mojito: ['highball', 10, []],
  'Aperol Spritz': ['wine', 8, ['sulphites']],
  'Moscow Mule': ['copper_mug', 9, []],
  Paloma: ['highball', 9, []],
  'Gin & Tonic': ['highball', 10, []],
  'Tom Collins': ['collins', 10, []],
  "Dark 'n' Stormy": ['highball', 14, []],
  'Virgin Mojito': ['highball', 0, []],
  'Shirley Temple': ['highball', 0, []],
  'Ginger Lime Fizz': ['highball', 0, []],
  'Cucumber Cooler': ['highball', 0, []],
  'Cranberry Spritz': ['wine', 0, []],
  'Hot Apple Cider': ['mug', 0, []],
  // Worcestershire sauce is made with anchovies.
  'Virgin Mary': ['highball', 0, ['celery', 'fish']],
};

export const DEFAULT_MENU: DefaultSection[] = [
  {
    name: 'Classics',
    drinks: [
      {
        name: 'Negroni',
        description: 'Equal parts gin, Campari and sweet vermouth: bitter, rich and quietly strong, with a bright orange finish.',
        ingredients: ['Gin', 'Campari', 'Sweet vermouth'],
        recipe: {
          ingredients: [
            { name: 'Gin', amount: '30 ml' },
            { name: 'Campari', amount: '30 ml' },
            { name: 'Sweet vermouth', amount: '30 ml' },
          ],
          steps: [
            'Add the gin, Campari and sweet vermouth to a mixing glass.',
            'Fill with ice and stir for about 20 seconds until well chilled.',
            'Strain into a rocks glass over fresh ice, ideally one large cube.',
            'Express the orange peel over the drink and drop it in.',
          ],
          garnish: 'Orange peel',
          glassware: 'Rocks glass',
        },
      },
      {
        name: 'Old Fashioned',
        description: 'Whiskey gently sweetened and seasoned with bitters, stirred down slow and finished with a twist of orange.',
        ingredients: ['Bourbon or rye whiskey', 'Sugar syrup', 'Angostura bitters'],
        recipe: {
          ingredients: [
            { name: 'Bourbon or rye whiskey', amount: '60 ml' },
            { name: 'Sugar syrup', amount: '7.5 ml' },
            { name: 'Angostura bitters', amount: '2 dashes' },
            { name: 'Orange bitters', amount: '1 dash' },
          ],
          steps: [
            'Add the sugar syrup and both bitters to a mixing glass.',
            'Pour in the whiskey and fill the glass with ice.',
            'Stir for 30 seconds to chill and dilute.',
            'Strain into a rocks glass over one large ice cube.',
            'Express the orange peel over the top and drop it in.',
          ],
          garnish: 'Orange peel',
          glassware: 'Rocks glass',
        },
      },
      {
        name: 'Daiquiri',
        description: 'Crisp white rum, fresh lime and a touch of sugar, shaken ice-cold: simple, sharp and endlessly refreshing.',
        ingredients: ['White rum', 'Lime juice', 'Sugar syrup'],
        recipe: {
          ingredients: [
            { name: 'White rum', amount: '60 ml' },
            { name: 'Fresh lime juice', amount: '25 ml' },
            { name: 'Sugar syrup', amount: '20 ml' },
          ],
          steps: [
            'Chill a coupe glass with ice water.',
            'Add the rum, lime juice and sugar syrup to a shaker.',
            'Fill with ice and shake hard for 10 to 12 seconds.',
            'Empty the coupe and double strain the drink into it.',
            'Garnish with a lime wheel on the rim.',
          ],
          garnish: 'Lime wheel',
          glassware: 'Coupe',
        },
      },
      {
        name: 'Margarita',
        description: 'Blanco tequila, orange liqueur and fresh lime, shaken and served with a salted rim for the perfect sweet-sour-salty bite.',
        ingredients: ['Tequila blanco', 'Triple sec', 'Lime juice', 'Salt rim'],
        recipe: {
          ingredients: [
            { name: 'Tequila blanco', amount: '50 ml' },
            { name: 'Triple sec (such as Cointreau)', amount: '25 ml' },
            { name: 'Fresh lime juice', amount: '25 ml' },
            { name: 'Flaky salt', amount: 'for the rim' },
          ],
          steps: [
            'Run a lime wedge around half the rim of a rocks glass and dip it in salt.',
            'Fill the glass with fresh ice.',
            'Add the tequila, triple sec and lime juice to a shaker with ice.',
            'Shake hard for 10 seconds.',
            'Strain into the prepared glass and garnish with a lime wheel.',
          ],
          garnish: 'Salted rim and lime wheel',
          glassware: 'Rocks glass',
        },
      },
      {
        name: 'Whiskey Sour',
        description: 'Bourbon shaken with lemon and sugar into a silky, foamy sour, topped with a few aromatic drops of bitters.',
        ingredients: ['Bourbon', 'Lemon juice', 'Sugar syrup', 'Egg white (optional)', 'Angostura bitters'],
        recipe: {
          ingredients: [
            { name: 'Bourbon', amount: '50 ml' },
            { name: 'Fresh lemon juice', amount: '25 ml' },
            { name: 'Sugar syrup', amount: '20 ml' },
            { name: 'Egg white (optional)', amount: '1 piece' },
            { name: 'Angostura bitters', amount: '3 dashes' },
          ],
          steps: [
            'Add the bourbon, lemon juice, sugar syrup and egg white to a shaker.',
            'Shake hard without ice for 10 seconds to build the foam.',
            'Add ice and shake again until the shaker is frosty.',
            'Strain into a rocks glass over fresh ice.',
            'Dot the bitters on the foam and add the cherry and lemon slice.',
          ],
          garnish: 'Angostura drops, cocktail cherry and lemon slice',
          glassware: 'Rocks glass',
        },
      },
      {
        name: 'Espresso Martini',
        description: 'Vodka, coffee liqueur and freshly pulled espresso shaken to a velvety crema: the pick-me-up of the party.',
        ingredients: ['Vodka', 'Coffee liqueur', 'Espresso', 'Sugar syrup'],
        recipe: {
          ingredients: [
            { name: 'Vodka', amount: '50 ml' },
            { name: 'Coffee liqueur', amount: '25 ml' },
            { name: 'Fresh espresso', amount: '30 ml' },
            { name: 'Sugar syrup', amount: '10 ml' },
          ],
          steps: [
            'Pull a fresh shot of espresso and let it cool for a minute.',
            'Add the vodka, coffee liqueur, espresso and sugar syrup to a shaker.',
            'Fill with ice and shake very hard for 15 seconds to build the foam.',
            'Double strain into a chilled coupe or martini glass.',
            'Float three coffee beans on the crema.',
          ],
          garnish: 'Three coffee beans',
          glassware: 'Coupe or martini glass',
        },
      },
      {
        name: 'Cosmopolitan',
        description: 'Citrus vodka, orange liqueur, lime and cranberry, shaken pink and tart with a flash of orange oil.',
        ingredients: ['Citrus vodka', 'Triple sec', 'Lime juice', 'Cranberry juice'],
        recipe: {
          ingredients: [
            { name: 'Citrus vodka', amount: '40 ml' },
            { name: 'Triple sec (such as Cointreau)', amount: '15 ml' },
            { name: 'Fresh lime juice', amount: '15 ml' },
            { name: 'Cranberry juice', amount: '30 ml' },
          ],
          steps: [
            'Chill a martini glass with ice water.',
            'Add the vodka, triple sec, lime juice and cranberry juice to a shaker.',
            'Fill with ice and shake hard for 10 seconds.',
            'Empty the glass and double strain the drink into it.',
            'Express the orange peel over the top and rest it on the rim.',
          ],
          garnish: 'Orange peel',
          glassware: 'Martini glass',
        },
      },
      {
        name: 'Manhattan',
        description: 'Rye whiskey stirred with sweet vermouth and bitters: smooth, spicy and deep, crowned with a dark cherry.',
        ingredients: ['Rye whiskey', 'Sweet vermouth', 'Angostura bitters'],
        recipe: {
          ingredients: [
            { name: 'Rye whiskey', amount: '50 ml' },
            { name: 'Sweet vermouth', amount: '25 ml' },
            { name: 'Angostura bitters', amount: '2 dashes' },
          ],
          steps: [
            'Add the rye, sweet vermouth and bitters to a mixing glass.',
            'Fill with ice and stir for about 30 seconds.',
            'Strain into a chilled coupe.',
            'Drop in a cocktail cherry.',
          ],
          garnish: 'Cocktail cherry',
          glassware: 'Coupe',
        },
      },
    ],
  },
  {
    name: 'Festive',
    drinks: [
      {
        name: 'Mulled Wine',
        description: 'Red wine gently warmed with orange, cinnamon, cloves and star anise, with a splash of brandy to chase the cold away.',
        ingredients: ['Red wine', 'Brandy', 'Honey', 'Orange', 'Winter spices'],
        recipe: {
          ingredients: [
            { name: 'Red wine', amount: '150 ml' },
            { name: 'Brandy', amount: '15 ml' },
            { name: 'Honey', amount: '10 ml' },
            { name: 'Orange slice', amount: '1 piece' },
            { name: 'Cinnamon stick', amount: '1 piece' },
            { name: 'Whole cloves', amount: '2 pieces' },
            { name: 'Star anise', amount: '1 piece' },
          ],
          steps: [
            'Put the wine, honey, orange slice and spices in a small pan.',
            'Warm over low heat for 10 minutes without letting it boil.',
            'Take off the heat and stir in the brandy.',
            'Strain into a heatproof glass or mug.',
            'Garnish with a fresh orange slice and the cinnamon stick.',
          ],
          garnish: 'Orange slice and cinnamon stick',
          glassware: 'Heatproof glass or mug',
        },
      },
      {
        name: 'Hot Toddy',
        description: 'Whisky, honey and lemon stirred into hot water with a clove-studded lemon wheel: a warm hug in a mug.',
        ingredients: ['Whisky', 'Honey', 'Lemon juice', 'Hot water', 'Cloves'],
        recipe: {
          ingredients: [
            { name: 'Scotch or Irish whisky', amount: '45 ml' },
            { name: 'Honey', amount: '15 ml' },
            { name: 'Fresh lemon juice', amount: '15 ml' },
            { name: 'Hot water', amount: '120 ml' },
            { name: 'Lemon wheel', amount: '1 piece' },
            { name: 'Whole cloves', amount: '3 pieces' },
          ],
          steps: [
            'Warm a heatproof glass or mug with hot water, then empty it.',
            'Add the honey and a splash of the hot water and stir until dissolved.',
            'Add the whisky, lemon juice and the rest of the hot water and stir.',
            'Stud the lemon wheel with the cloves and float it on top.',
          ],
          garnish: 'Lemon wheel studded with cloves',
          glassware: 'Heatproof glass or mug',
        },
      },
      {
        name: 'Eggnog',
        description: 'Bourbon and dark rum shaken with milk, cream and a whole egg into a rich, velvety nog dusted with nutmeg.',
        ingredients: ['Bourbon', 'Dark rum', 'Milk', 'Cream', 'Egg', 'Nutmeg'],
        recipe: {
          ingredients: [
            { name: 'Bourbon', amount: '40 ml' },
            { name: 'Dark rum', amount: '20 ml' },
            { name: 'Whole milk', amount: '60 ml' },
            { name: 'Double cream', amount: '30 ml' },
            { name: 'Sugar syrup', amount: '15 ml' },
            { name: 'Whole egg', amount: '1 piece' },
          ],
          steps: [
            'Add all the ingredients to a shaker.',
            'Shake hard without ice for 15 seconds to emulsify the egg.',
            'Add ice and shake again until well chilled.',
            'Strain into a chilled punch cup or small glass.',
            'Grate fresh nutmeg over the top.',
          ],
          garnish: 'Freshly grated nutmeg',
          glassware: 'Punch cup or small tumbler',
        },
      },
      {
        name: 'French 75',
        description: 'Gin, lemon and sugar shaken and topped with Champagne: bright, bubbly and made for a toast.',
        ingredients: ['Gin', 'Lemon juice', 'Sugar syrup', 'Champagne'],
        recipe: {
          ingredients: [
            { name: 'Gin', amount: '30 ml' },
            { name: 'Fresh lemon juice', amount: '15 ml' },
            { name: 'Sugar syrup', amount: '15 ml' },
            { name: 'Champagne or dry sparkling wine', amount: '60 ml' },
          ],
          steps: [
            'Add the gin, lemon juice and sugar syrup to a shaker with ice.',
            'Shake briefly until chilled.',
            'Strain into a chilled flute.',
            'Top slowly with the Champagne.',
            'Express the lemon twist over the glass and drop it in.',
          ],
          garnish: 'Lemon twist',
          glassware: 'Champagne flute',
        },
      },
      {
        name: 'Irish Coffee',
        description: 'Hot coffee, Irish whiskey and brown sugar under a cool float of lightly whipped cream.',
        ingredients: ['Irish whiskey', 'Hot coffee', 'Brown sugar syrup', 'Whipped cream'],
        recipe: {
          ingredients: [
            { name: 'Irish whiskey', amount: '40 ml' },
            { name: 'Hot filter coffee', amount: '120 ml' },
            { name: 'Brown sugar syrup', amount: '15 ml' },
            { name: 'Lightly whipped double cream', amount: '30 ml' },
          ],
          steps: [
            'Warm the glass with hot water, then empty it.',
            'Add the brown sugar syrup and the whiskey.',
            'Pour in the hot coffee, leaving room at the top, and stir.',
            'Float the cream over the back of a spoon so it sits on top.',
            'Serve without stirring and let guests drink through the cream.',
          ],
          garnish: 'Cream float',
          glassware: 'Irish coffee glass',
        },
      },
      {
        name: 'Kir Royale',
        description: 'Chilled Champagne blushed with blackcurrant liqueur: elegant, fruity and effortlessly celebratory.',
        ingredients: ['Crème de cassis', 'Champagne'],
        recipe: {
          ingredients: [
            { name: 'Crème de cassis', amount: '15 ml' },
            { name: 'Champagne or dry sparkling wine', amount: '120 ml' },
          ],
          steps: [
            'Make sure the Champagne and the flute are well chilled.',
            'Pour the crème de cassis into the flute.',
            'Top slowly with the Champagne so it mixes without foaming over.',
            'Garnish with a blackberry or a lemon twist.',
          ],
          garnish: 'Blackberry or lemon twist',
          glassware: 'Champagne flute',
        },
      },
    ],
  },
  {
    name: 'Long & Fizzy',
    drinks: [
      {
        name: 'Mojito',
        description: 'White rum, fresh mint, lime and sugar over crushed ice, lengthened with soda for a cool Havana classic.',
        ingredients: ['White rum', 'Mint', 'Lime juice', 'Sugar syrup', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'White rum', amount: '50 ml' },
            { name: 'Fresh lime juice', amount: '25 ml' },
            { name: 'Sugar syrup', amount: '15 ml' },
            { name: 'Mint leaves', amount: '8 pieces' },
            { name: 'Soda water', amount: '60 ml' },
          ],
          steps: [
            'Gently press the mint leaves with the sugar syrup in a highball glass.',
            'Add the lime juice and rum.',
            'Fill the glass with crushed ice and churn with a bar spoon.',
            'Top with soda water and a little more crushed ice.',
            'Garnish with a mint sprig.',
          ],
          garnish: 'Mint sprig',
          glassware: 'Highball glass',
        },
      },
      {
        name: 'Aperol Spritz',
        description: 'Bittersweet Aperol, Prosecco and a splash of soda over ice: the sunny Italian aperitivo in a glass.',
        ingredients: ['Aperol', 'Prosecco', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'Prosecco', amount: '90 ml' },
            { name: 'Aperol', amount: '60 ml' },
            { name: 'Soda water', amount: '30 ml' },
          ],
          steps: [
            'Fill a large wine glass with ice.',
            'Pour in the Prosecco, then the Aperol.',
            'Add the soda water and stir gently once.',
            'Garnish with an orange slice.',
          ],
          garnish: 'Orange slice',
          glassware: 'Large wine glass',
        },
      },
      {
        name: 'Moscow Mule',
        description: 'Vodka and fresh lime topped with spicy ginger beer, served ice-cold in a copper mug.',
        ingredients: ['Vodka', 'Lime juice', 'Ginger beer'],
        recipe: {
          ingredients: [
            { name: 'Vodka', amount: '50 ml' },
            { name: 'Fresh lime juice', amount: '15 ml' },
            { name: 'Ginger beer', amount: '120 ml' },
          ],
          steps: [
            'Fill a copper mug or highball glass with ice.',
            'Add the vodka and lime juice.',
            'Top with ginger beer and stir gently.',
            'Garnish with a lime wedge and a mint sprig.',
            'Alcohol-free: leave out the vodka and add a little more ginger beer.',
          ],
          garnish: 'Lime wedge and mint sprig',
          glassware: 'Copper mug or highball glass',
        },
      },
      {
        name: 'Paloma',
        description: 'Tequila, lime and grapefruit soda with a pinch of salt: Mexico\'s favourite long drink, tart and thirst-quenching.',
        ingredients: ['Tequila blanco', 'Lime juice', 'Grapefruit soda', 'Salt'],
        recipe: {
          ingredients: [
            { name: 'Tequila blanco', amount: '50 ml' },
            { name: 'Fresh lime juice', amount: '15 ml' },
            { name: 'Grapefruit soda', amount: '120 ml' },
            { name: 'Salt', amount: '1 pinch' },
          ],
          steps: [
            'Optionally salt half the rim of a highball glass.',
            'Fill the glass with ice.',
            'Add the tequila, lime juice and a pinch of salt.',
            'Top with grapefruit soda and stir gently.',
            'Garnish with a grapefruit wedge.',
            'Alcohol-free: leave out the tequila and add a little more grapefruit soda.',
          ],
          garnish: 'Grapefruit wedge',
          glassware: 'Highball glass',
        },
      },
      {
        name: 'Gin & Tonic',
        description: 'Your favourite gin over plenty of ice, topped with crisp tonic and a fresh wedge of lime.',
        ingredients: ['Gin', 'Tonic water', 'Lime'],
        recipe: {
          ingredients: [
            { name: 'Gin', amount: '50 ml' },
            { name: 'Tonic water', amount: '150 ml' },
            { name: 'Lime wedge', amount: '1 piece' },
          ],
          steps: [
            'Fill a balloon glass or highball to the top with ice.',
            'Pour in the gin.',
            'Top with chilled tonic, pouring gently down a bar spoon to keep the bubbles.',
            'Squeeze the lime wedge over the drink and drop it in.',
            'Alcohol-free: pour alcohol-free gin instead of the gin.',
          ],
          garnish: 'Lime wedge',
          glassware: 'Balloon glass or highball',
        },
      },
      {
        name: 'Tom Collins',
        description: 'Gin, lemon and sugar stretched with soda water into a tall, sparkling, lemonade-bright refresher.',
        ingredients: ['Gin', 'Lemon juice', 'Sugar syrup', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'Gin', amount: '50 ml' },
            { name: 'Fresh lemon juice', amount: '25 ml' },
            { name: 'Sugar syrup', amount: '15 ml' },
            { name: 'Soda water', amount: '90 ml' },
          ],
          steps: [
            'Add the gin, lemon juice and sugar syrup to a shaker with ice.',
            'Shake briefly until chilled.',
            'Strain into a Collins glass filled with fresh ice.',
            'Top with soda water and stir gently.',
            'Garnish with a lemon wheel and a cocktail cherry.',
          ],
          garnish: 'Lemon wheel and cocktail cherry',
          glassware: 'Collins glass',
        },
      },
      {
        name: 'Dark \'n\' Stormy',
        description: 'Spicy ginger beer over ice with a dark rum float and a squeeze of lime: moody to look at, dangerously easy to drink.',
        ingredients: ['Dark rum', 'Ginger beer', 'Lime'],
        recipe: {
          ingredients: [
            { name: 'Dark rum', amount: '60 ml' },
            { name: 'Ginger beer', amount: '100 ml' },
            { name: 'Fresh lime juice', amount: '10 ml' },
          ],
          steps: [
            'Fill a highball glass with ice.',
            'Add the lime juice and pour in the ginger beer.',
            'Slowly pour the dark rum over the back of a spoon so it floats on top.',
            'Garnish with a lime wedge and serve with a stirrer.',
          ],
          garnish: 'Lime wedge',
          glassware: 'Highball glass',
        },
      },
    ],
  },
  {
    name: 'Non-alcoholic',
    drinks: [
      {
        name: 'Virgin Mojito',
        description: 'Zero-proof and alcohol-free: fresh mint, lime and sugar over crushed ice, topped with sparkling soda.',
        ingredients: ['Mint', 'Lime juice', 'Sugar syrup', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'Mint leaves', amount: '8 pieces' },
            { name: 'Fresh lime juice', amount: '25 ml' },
            { name: 'Sugar syrup', amount: '20 ml' },
            { name: 'Soda water', amount: '120 ml' },
          ],
          steps: [
            'Gently press the mint leaves with the sugar syrup in a highball glass.',
            'Add the lime juice.',
            'Fill the glass with crushed ice and churn with a bar spoon.',
            'Top with soda water and a little more crushed ice.',
            'Garnish with a mint sprig and a lime wheel.',
          ],
          garnish: 'Mint sprig and lime wheel',
          glassware: 'Highball glass',
        },
      },
      {
        name: 'Shirley Temple',
        description: 'Alcohol-free and a party favourite: ginger ale with a blush of grenadine, a squeeze of lime and a cherry on top.',
        ingredients: ['Ginger ale', 'Grenadine', 'Lime juice', 'Cherry'],
        recipe: {
          ingredients: [
            { name: 'Ginger ale', amount: '150 ml' },
            { name: 'Grenadine', amount: '15 ml' },
            { name: 'Fresh lime juice', amount: '10 ml' },
            { name: 'Maraschino cherry', amount: '1 piece' },
          ],
          steps: [
            'Fill a highball glass with ice.',
            'Add the lime juice and pour in the ginger ale.',
            'Slowly pour the grenadine down the side so it sinks to the bottom.',
            'Garnish with the cherry and an orange slice.',
          ],
          garnish: 'Maraschino cherry and orange slice',
          glassware: 'Highball glass',
        },
      },
      {
        name: 'Ginger Lime Fizz',
        description: 'Zero-proof zing: fresh ginger, lime and honey shaken bright and topped with bubbles.',
        ingredients: ['Fresh ginger', 'Lime juice', 'Honey syrup', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'Fresh ginger, thinly sliced', amount: '3 pieces' },
            { name: 'Fresh lime juice', amount: '25 ml' },
            { name: 'Honey syrup (honey and warm water 1:1)', amount: '20 ml' },
            { name: 'Soda water', amount: '120 ml' },
          ],
          steps: [
            'Muddle the ginger slices with the honey syrup in a shaker.',
            'Add the lime juice and fill with ice.',
            'Shake hard for 10 seconds.',
            'Double strain into a highball glass filled with fresh ice.',
            'Top with soda water and garnish with a lime wheel.',
          ],
          garnish: 'Lime wheel',
          glassware: 'Highball glass',
        },
      },
      {
        name: 'Cucumber Cooler',
        description: 'Alcohol-free and garden-fresh: cucumber, mint, elderflower and lime, lengthened with sparkling soda.',
        ingredients: ['Cucumber', 'Mint', 'Elderflower cordial', 'Lime juice', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'Cucumber slices', amount: '4 pieces' },
            { name: 'Mint leaves', amount: '6 pieces' },
            { name: 'Elderflower cordial', amount: '20 ml' },
            { name: 'Fresh lime juice', amount: '15 ml' },
            { name: 'Soda water', amount: '120 ml' },
          ],
          steps: [
            'Muddle the cucumber slices in a shaker.',
            'Add the mint, elderflower cordial and lime juice, then fill with ice.',
            'Shake briefly to chill.',
            'Double strain into a highball glass filled with fresh ice.',
            'Top with soda water and garnish with a cucumber ribbon.',
          ],
          garnish: 'Cucumber ribbon',
          glassware: 'Highball glass',
        },
      },
      {
        name: 'Cranberry Spritz',
        description: 'A zero-proof festive sparkler of tart cranberry and lime topped with soda, dressed with rosemary.',
        ingredients: ['Cranberry juice', 'Lime juice', 'Sugar syrup', 'Soda water'],
        recipe: {
          ingredients: [
            { name: 'Cranberry juice', amount: '80 ml' },
            { name: 'Fresh lime juice', amount: '15 ml' },
            { name: 'Sugar syrup', amount: '10 ml' },
            { name: 'Soda water', amount: '100 ml' },
          ],
          steps: [
            'Fill a large wine glass with ice.',
            'Add the cranberry juice, lime juice and sugar syrup and stir.',
            'Top with soda water and stir gently once.',
            'Garnish with a rosemary sprig and a few cranberries.',
          ],
          garnish: 'Rosemary sprig and fresh cranberries',
          glassware: 'Large wine glass',
        },
      },
      {
        name: 'Hot Apple Cider',
        description: 'Alcohol-free and cosy: cloudy apple juice simmered with cinnamon, cloves, star anise and orange.',
        ingredients: ['Apple juice', 'Cinnamon', 'Cloves', 'Star anise', 'Orange', 'Maple syrup'],
        recipe: {
          ingredients: [
            { name: 'Cloudy apple juice', amount: '200 ml' },
            { name: 'Maple syrup', amount: '10 ml' },
            { name: 'Cinnamon stick', amount: '1 piece' },
            { name: 'Whole cloves', amount: '2 pieces' },
            { name: 'Star anise', amount: '1 piece' },
            { name: 'Orange slice', amount: '1 piece' },
          ],
          steps: [
            'Put the apple juice, maple syrup, spices and orange slice in a small pan.',
            'Bring to a gentle simmer and keep it there for 10 minutes.',
            'Strain into a heatproof mug.',
            'Garnish with a cinnamon stick and a thin apple slice.',
          ],
          garnish: 'Cinnamon stick and apple slice',
          glassware: 'Heatproof mug',
        },
      },
      {
        name: 'Virgin Mary',
        description: 'Zero-proof and savoury: spiced tomato juice with lemon, Worcestershire and a kick of hot sauce, served with celery.',
        ingredients: ['Tomato juice', 'Lemon juice', 'Worcestershire sauce', 'Hot sauce', 'Celery salt', 'Black pepper'],
        recipe: {
          ingredients: [
            { name: 'Tomato juice', amount: '150 ml' },
            { name: 'Fresh lemon juice', amount: '15 ml' },
            { name: 'Worcestershire sauce', amount: '4 dashes' },
            { name: 'Hot sauce', amount: '2 dashes' },
            { name: 'Celery salt', amount: '1 pinch' },
            { name: 'Black pepper', amount: '1 pinch' },
          ],
          steps: [
            'Add all the ingredients to a shaker tin with ice.',
            'Roll the mix back and forth between two tins a few times instead of shaking.',
            'Strain into a highball glass filled with fresh ice.',
            'Garnish with a celery stick and a lemon wedge.',
          ],
          garnish: 'Celery stick and lemon wedge',
          glassware: 'Highball glass',
        },
      },
    ],
  },
];
