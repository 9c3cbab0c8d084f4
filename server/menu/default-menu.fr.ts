import type { Recipe } from '../../shared/schemas/menu.ts';
import type { AlcoholFreeVersion, StyleNames } from './default-menu.ts';

/**
 * The default menu in French, by the English drink name. Drink names are proper names and
 * stay as they are ("Negroni", "Moscow Mule"); everything a guest or bartender reads is French.
 */
export interface FrenchDrink {
  description: string;
  ingredients: string[];
  recipe: Recipe;
}

export const FRENCH_SECTIONS: Record<string, string> = {
  Classics: 'Classiques',
  Festive: 'Festifs',
  'Long & Fizzy': 'Longs et pétillants',
  'Non-alcoholic': 'Sans alcool',
};

export const FRENCH_STYLE: StyleNames = { group: 'Style', classic: 'Classique', alcoholFree: 'Sans alcool' };

/** The alcohol-free choices (default-menu.ts), with the French ingredient names. */
export const FRENCH_ALCOHOL_FREE: Record<string, AlcoholFreeVersion> = {
  'Gin & Tonic': { removes: ['Gin'], adds: ['Gin sans alcool'] },
  'Moscow Mule': { removes: ['Vodka'] },
  Paloma: { removes: ['Tequila blanco'] },
};

export const FRENCH_DRINKS: Record<string, FrenchDrink> = {
  Negroni: {
    description: 'Gin, Campari et vermouth rouge à parts égales : amer, riche et discrètement fort, avec une finale d’orange.',
    ingredients: ['Gin', 'Campari', 'Vermouth rouge'],
    recipe: {
      ingredients: [
        { name: 'Gin', amount: '30 ml' },
        { name: 'Campari', amount: '30 ml' },
        { name: 'Vermouth rouge', amount: '30 ml' },
      ],
      steps: [
        'Verser le gin, le Campari et le vermouth dans un verre à mélange.',
        'Remplir de glace et remuer une vingtaine de secondes.',
        'Filtrer dans un verre old fashioned sur de la glace fraîche, idéalement un gros glaçon.',
        'Exprimer le zeste d’orange au-dessus du verre et l’y déposer.',
      ],
      garnish: 'Zeste d’orange',
      glassware: 'Verre old fashioned',
    },
  },
  'Old Fashioned': {
    description: 'Un whiskey à peine sucré et relevé d’amers, remué lentement et fini d’un zeste d’orange.',
    ingredients: ['Bourbon ou whiskey de seigle', 'Sirop de sucre', 'Angostura'],
    recipe: {
      ingredients: [
        { name: 'Bourbon ou whiskey de seigle', amount: '60 ml' },
        { name: 'Sirop de sucre', amount: '7,5 ml' },
        { name: 'Angostura', amount: '2 traits' },
        { name: 'Amer à l’orange', amount: '1 trait' },
      ],
      steps: [
        'Verser le sirop et les deux amers dans un verre à mélange.',
        'Ajouter le whiskey et remplir de glace.',
        'Remuer 30 secondes pour refroidir et diluer.',
        'Filtrer dans un verre old fashioned sur un gros glaçon.',
        'Exprimer le zeste d’orange au-dessus et l’y déposer.',
      ],
      garnish: 'Zeste d’orange',
      glassware: 'Verre old fashioned',
    },
  },
  Daiquiri: {
    description: 'Rhum blanc, citron vert frais et une pointe de sucre, secoués bien frais : simple, vif et désaltérant.',
    ingredients: ['Rhum blanc', 'Jus de citron vert', 'Sirop de sucre'],
    recipe: {
      ingredients: [
        { name: 'Rhum blanc', amount: '60 ml' },
        { name: 'Jus de citron vert frais', amount: '25 ml' },
        { name: 'Sirop de sucre', amount: '20 ml' },
      ],
      steps: [
        'Rafraîchir une coupe avec de l’eau glacée.',
        'Verser le rhum, le jus de citron vert et le sirop dans un shaker.',
        'Remplir de glace et secouer fort 10 à 12 secondes.',
        'Vider la coupe et y filtrer le cocktail deux fois.',
        'Décorer d’une rondelle de citron vert sur le bord.',
      ],
      garnish: 'Rondelle de citron vert',
      glassware: 'Coupe',
    },
  },
  Margarita: {
    description: 'Tequila blanco, liqueur d’orange et citron vert frais, secoués et servis avec un bord salé : sucré, acide, salé.',
    ingredients: ['Tequila blanco', 'Triple sec', 'Jus de citron vert', 'Bord salé'],
    recipe: {
      ingredients: [
        { name: 'Tequila blanco', amount: '50 ml' },
        { name: 'Triple sec (Cointreau par exemple)', amount: '25 ml' },
        { name: 'Jus de citron vert frais', amount: '25 ml' },
        { name: 'Sel en flocons', amount: 'pour le bord' },
      ],
      steps: [
        'Passer un quartier de citron vert sur la moitié du bord d’un verre old fashioned et le tremper dans le sel.',
        'Remplir le verre de glace fraîche.',
        'Verser la tequila, le triple sec et le jus de citron vert dans un shaker avec de la glace.',
        'Secouer fort 10 secondes.',
        'Filtrer dans le verre préparé et décorer d’une rondelle de citron vert.',
      ],
      garnish: 'Bord salé et rondelle de citron vert',
      glassware: 'Verre old fashioned',
    },
  },
  'Whiskey Sour': {
    description: 'Bourbon secoué avec citron et sucre en un sour soyeux et mousseux, parsemé de quelques gouttes d’amer.',
    ingredients: ['Bourbon', 'Jus de citron', 'Sirop de sucre', 'Blanc d’œuf (facultatif)', 'Angostura'],
    recipe: {
      ingredients: [
        { name: 'Bourbon', amount: '50 ml' },
        { name: 'Jus de citron frais', amount: '25 ml' },
        { name: 'Sirop de sucre', amount: '20 ml' },
        { name: 'Blanc d’œuf (facultatif)', amount: '1' },
        { name: 'Angostura', amount: '3 traits' },
      ],
      steps: [
        'Verser le bourbon, le jus de citron, le sirop et le blanc d’œuf dans un shaker.',
        'Secouer fort sans glace 10 secondes pour monter la mousse.',
        'Ajouter de la glace et secouer encore jusqu’à ce que le shaker givre.',
        'Filtrer dans un verre old fashioned sur de la glace fraîche.',
        'Déposer les gouttes d’amer sur la mousse, puis la cerise et la tranche de citron.',
      ],
      garnish: 'Gouttes d’Angostura, cerise à cocktail et tranche de citron',
      glassware: 'Verre old fashioned',
    },
  },
  'Espresso Martini': {
    description: 'Vodka, liqueur de café et espresso tout juste tiré, secoués jusqu’à une crème veloutée : le coup de fouet de la soirée.',
    ingredients: ['Vodka', 'Liqueur de café', 'Espresso', 'Sirop de sucre'],
    recipe: {
      ingredients: [
        { name: 'Vodka', amount: '50 ml' },
        { name: 'Liqueur de café', amount: '25 ml' },
        { name: 'Espresso frais', amount: '30 ml' },
        { name: 'Sirop de sucre', amount: '10 ml' },
      ],
      steps: [
        'Tirer un espresso frais et le laisser tiédir une minute.',
        'Verser la vodka, la liqueur de café, l’espresso et le sirop dans un shaker.',
        'Remplir de glace et secouer très fort 15 secondes pour monter la mousse.',
        'Filtrer deux fois dans une coupe ou un verre à martini rafraîchi.',
        'Poser trois grains de café sur la crème.',
      ],
      garnish: 'Trois grains de café',
      glassware: 'Coupe ou verre à martini',
    },
  },
  Cosmopolitan: {
    description: 'Vodka citron, liqueur d’orange, citron vert et canneberge, secoués rose et acidulés, avec un éclat d’huile d’orange.',
    ingredients: ['Vodka citron', 'Triple sec', 'Jus de citron vert', 'Jus de canneberge'],
    recipe: {
      ingredients: [
        { name: 'Vodka citron', amount: '40 ml' },
        { name: 'Triple sec (Cointreau par exemple)', amount: '15 ml' },
        { name: 'Jus de citron vert frais', amount: '15 ml' },
        { name: 'Jus de canneberge', amount: '30 ml' },
      ],
      steps: [
        'Rafraîchir un verre à martini avec de l’eau glacée.',
        'Verser la vodka, le triple sec, le jus de citron vert et le jus de canneberge dans un shaker.',
        'Remplir de glace et secouer fort 10 secondes.',
        'Vider le verre et y filtrer le cocktail deux fois.',
        'Exprimer le zeste d’orange au-dessus et le poser sur le bord.',
      ],
      garnish: 'Zeste d’orange',
      glassware: 'Verre à martini',
    },
  },
  Manhattan: {
    description: 'Whiskey de seigle remué avec vermouth rouge et amers : doux, épicé et profond, couronné d’une cerise sombre.',
    ingredients: ['Whiskey de seigle', 'Vermouth rouge', 'Angostura'],
    recipe: {
      ingredients: [
        { name: 'Whiskey de seigle', amount: '50 ml' },
        { name: 'Vermouth rouge', amount: '25 ml' },
        { name: 'Angostura', amount: '2 traits' },
      ],
      steps: [
        'Verser le whiskey, le vermouth et l’amer dans un verre à mélange.',
        'Remplir de glace et remuer une trentaine de secondes.',
        'Filtrer dans une coupe rafraîchie.',
        'Y déposer une cerise à cocktail.',
      ],
      garnish: 'Cerise à cocktail',
      glassware: 'Coupe',
    },
  },
  'Mulled Wine': {
    description: 'Vin rouge doucement chauffé avec orange, cannelle, clous de girofle et badiane, et un trait de brandy contre le froid.',
    ingredients: ['Vin rouge', 'Brandy', 'Miel', 'Orange', 'Épices d’hiver'],
    recipe: {
      ingredients: [
        { name: 'Vin rouge', amount: '150 ml' },
        { name: 'Brandy', amount: '15 ml' },
        { name: 'Miel', amount: '10 ml' },
        { name: 'Tranche d’orange', amount: '1' },
        { name: 'Bâton de cannelle', amount: '1' },
        { name: 'Clous de girofle', amount: '2' },
        { name: 'Badiane (anis étoilé)', amount: '1' },
      ],
      steps: [
        'Mettre le vin, le miel, la tranche d’orange et les épices dans une petite casserole.',
        'Chauffer à feu doux 10 minutes sans laisser bouillir.',
        'Retirer du feu et ajouter le brandy.',
        'Filtrer dans un verre résistant à la chaleur ou une tasse.',
        'Décorer d’une tranche d’orange fraîche et du bâton de cannelle.',
      ],
      garnish: 'Tranche d’orange et bâton de cannelle',
      glassware: 'Verre résistant à la chaleur ou tasse',
    },
  },
  'Hot Toddy': {
    description: 'Whisky, miel et citron dans de l’eau chaude, avec une rondelle de citron piquée de clous de girofle : un câlin dans une tasse.',
    ingredients: ['Whisky', 'Miel', 'Jus de citron', 'Eau chaude', 'Clous de girofle'],
    recipe: {
      ingredients: [
        { name: 'Whisky écossais ou irlandais', amount: '45 ml' },
        { name: 'Miel', amount: '15 ml' },
        { name: 'Jus de citron frais', amount: '15 ml' },
        { name: 'Eau chaude', amount: '120 ml' },
        { name: 'Rondelle de citron', amount: '1' },
        { name: 'Clous de girofle', amount: '3' },
      ],
      steps: [
        'Chauffer le verre ou la tasse à l’eau chaude, puis le vider.',
        'Y mettre le miel et un peu d’eau chaude, et remuer jusqu’à dissolution.',
        'Ajouter le whisky, le jus de citron et le reste de l’eau chaude, et remuer.',
        'Piquer la rondelle de citron de clous de girofle et la faire flotter dessus.',
      ],
      garnish: 'Rondelle de citron piquée de clous de girofle',
      glassware: 'Verre résistant à la chaleur ou tasse',
    },
  },
  Eggnog: {
    description: 'Bourbon et rhum brun secoués avec lait, crème et un œuf entier, riche et velouté, saupoudré de muscade.',
    ingredients: ['Bourbon', 'Rhum brun', 'Lait', 'Crème', 'Œuf', 'Muscade'],
    recipe: {
      ingredients: [
        { name: 'Bourbon', amount: '40 ml' },
        { name: 'Rhum brun', amount: '20 ml' },
        { name: 'Lait entier', amount: '60 ml' },
        { name: 'Crème épaisse', amount: '30 ml' },
        { name: 'Sirop de sucre', amount: '15 ml' },
        { name: 'Œuf entier', amount: '1' },
      ],
      steps: [
        'Verser tous les ingrédients dans un shaker.',
        'Secouer fort sans glace 15 secondes pour émulsionner l’œuf.',
        'Ajouter de la glace et secouer encore jusqu’à ce que ce soit bien froid.',
        'Filtrer dans une tasse à punch ou un petit verre rafraîchi.',
        'Râper de la muscade fraîche par-dessus.',
      ],
      garnish: 'Muscade fraîchement râpée',
      glassware: 'Tasse à punch ou petit gobelet',
    },
  },
  'French 75': {
    description: 'Gin, citron et sucre secoués puis allongés de Champagne : vif, pétillant et fait pour trinquer.',
    ingredients: ['Gin', 'Jus de citron', 'Sirop de sucre', 'Champagne'],
    recipe: {
      ingredients: [
        { name: 'Gin', amount: '30 ml' },
        { name: 'Jus de citron frais', amount: '15 ml' },
        { name: 'Sirop de sucre', amount: '15 ml' },
        { name: 'Champagne ou vin effervescent brut', amount: '60 ml' },
      ],
      steps: [
        'Verser le gin, le jus de citron et le sirop dans un shaker avec de la glace.',
        'Secouer brièvement jusqu’à ce que ce soit froid.',
        'Filtrer dans une flûte rafraîchie.',
        'Compléter doucement au Champagne.',
        'Exprimer le zeste de citron au-dessus du verre et l’y déposer.',
      ],
      garnish: 'Zeste de citron',
      glassware: 'Flûte à Champagne',
    },
  },
  'Irish Coffee': {
    description: 'Café chaud, whiskey irlandais et sucre roux sous une couche fraîche de crème légèrement fouettée.',
    ingredients: ['Whiskey irlandais', 'Café chaud', 'Sirop de sucre roux', 'Crème fouettée'],
    recipe: {
      ingredients: [
        { name: 'Whiskey irlandais', amount: '40 ml' },
        { name: 'Café filtre chaud', amount: '120 ml' },
        { name: 'Sirop de sucre roux', amount: '15 ml' },
        { name: 'Crème épaisse légèrement fouettée', amount: '30 ml' },
      ],
      steps: [
        'Chauffer le verre à l’eau chaude, puis le vider.',
        'Y verser le sirop de sucre roux et le whiskey.',
        'Ajouter le café chaud en laissant de la place en haut, et remuer.',
        'Faire couler la crème sur le dos d’une cuillère pour qu’elle flotte.',
        'Servir sans remuer : on boit à travers la crème.',
      ],
      garnish: 'Couche de crème',
      glassware: 'Verre à Irish coffee',
    },
  },
  'Kir Royale': {
    description: 'Champagne frais rosi de crème de cassis : élégant, fruité et festif sans effort.',
    ingredients: ['Crème de cassis', 'Champagne'],
    recipe: {
      ingredients: [
        { name: 'Crème de cassis', amount: '15 ml' },
        { name: 'Champagne ou vin effervescent brut', amount: '120 ml' },
      ],
      steps: [
        'S’assurer que le Champagne et la flûte sont bien frais.',
        'Verser la crème de cassis dans la flûte.',
        'Compléter doucement au Champagne pour mélanger sans déborder.',
        'Décorer d’une mûre ou d’un zeste de citron.',
      ],
      garnish: 'Mûre ou zeste de citron',
      glassware: 'Flûte à Champagne',
    },
  },
  Mojito: {
    description: 'Rhum blanc, menthe fraîche, citron vert et sucre sur glace pilée, allongés d’eau gazeuse : un classique de La Havane.',
    ingredients: ['Rhum blanc', 'Menthe', 'Jus de citron vert', 'Sirop de sucre', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Rhum blanc', amount: '50 ml' },
        { name: 'Jus de citron vert frais', amount: '25 ml' },
        { name: 'Sirop de sucre', amount: '15 ml' },
        { name: 'Feuilles de menthe', amount: '8' },
        { name: 'Eau gazeuse', amount: '60 ml' },
      ],
      steps: [
        'Presser doucement les feuilles de menthe avec le sirop dans un verre highball.',
        'Ajouter le jus de citron vert et le rhum.',
        'Remplir de glace pilée et mélanger à la cuillère de bar.',
        'Compléter d’eau gazeuse et d’un peu de glace pilée.',
        'Décorer d’un brin de menthe.',
      ],
      garnish: 'Brin de menthe',
      glassware: 'Verre highball',
    },
  },
  'Aperol Spritz': {
    description: 'Aperol doux-amer, Prosecco et un trait d’eau gazeuse sur glace : l’apéritif italien ensoleillé.',
    ingredients: ['Aperol', 'Prosecco', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Prosecco', amount: '90 ml' },
        { name: 'Aperol', amount: '60 ml' },
        { name: 'Eau gazeuse', amount: '30 ml' },
      ],
      steps: [
        'Remplir de glace un grand verre à vin.',
        'Verser le Prosecco, puis l’Aperol.',
        'Ajouter l’eau gazeuse et remuer une fois, doucement.',
        'Décorer d’une tranche d’orange.',
      ],
      garnish: 'Tranche d’orange',
      glassware: 'Grand verre à vin',
    },
  },
  'Moscow Mule': {
    description: 'Vodka et citron vert frais allongés de ginger beer épicée, servis glacés dans une tasse en cuivre.',
    ingredients: ['Vodka', 'Jus de citron vert', 'Ginger beer'],
    recipe: {
      ingredients: [
        { name: 'Vodka', amount: '50 ml' },
        { name: 'Jus de citron vert frais', amount: '15 ml' },
        { name: 'Ginger beer', amount: '120 ml' },
      ],
      steps: [
        'Remplir de glace une tasse en cuivre ou un verre highball.',
        'Ajouter la vodka et le jus de citron vert.',
        'Compléter de ginger beer et remuer doucement.',
        'Décorer d’un quartier de citron vert et d’un brin de menthe.',
        'Sans alcool : sans la vodka, avec un peu plus de ginger beer.',
      ],
      garnish: 'Quartier de citron vert et brin de menthe',
      glassware: 'Tasse en cuivre ou verre highball',
    },
  },
  Paloma: {
    description: 'Tequila, citron vert et soda au pamplemousse avec une pincée de sel : le long drink préféré du Mexique, acidulé et désaltérant.',
    ingredients: ['Tequila blanco', 'Jus de citron vert', 'Soda au pamplemousse', 'Sel'],
    recipe: {
      ingredients: [
        { name: 'Tequila blanco', amount: '50 ml' },
        { name: 'Jus de citron vert frais', amount: '15 ml' },
        { name: 'Soda au pamplemousse', amount: '120 ml' },
        { name: 'Sel', amount: '1 pincée' },
      ],
      steps: [
        'Saler la moitié du bord d’un verre highball, si on le souhaite.',
        'Remplir le verre de glace.',
        'Ajouter la tequila, le jus de citron vert et une pincée de sel.',
        'Compléter de soda au pamplemousse et remuer doucement.',
        'Décorer d’un quartier de pamplemousse.',
        'Sans alcool : sans la tequila, avec un peu plus de soda au pamplemousse.',
      ],
      garnish: 'Quartier de pamplemousse',
      glassware: 'Verre highball',
    },
  },
  'Gin & Tonic': {
    description: 'Votre gin préféré sur beaucoup de glace, allongé d’un tonic bien frais et d’un quartier de citron vert.',
    ingredients: ['Gin', 'Tonic', 'Citron vert'],
    recipe: {
      ingredients: [
        { name: 'Gin', amount: '50 ml' },
        { name: 'Tonic', amount: '150 ml' },
        { name: 'Quartier de citron vert', amount: '1' },
      ],
      steps: [
        'Remplir de glace un verre ballon ou un highball.',
        'Verser le gin.',
        'Compléter de tonic bien frais, en le faisant couler le long d’une cuillère pour garder les bulles.',
        'Presser le quartier de citron vert au-dessus du verre et l’y déposer.',
        'Sans alcool : verser du gin sans alcool à la place du gin.',
      ],
      garnish: 'Quartier de citron vert',
      glassware: 'Verre ballon ou highball',
    },
  },
  'Tom Collins': {
    description: 'Gin, citron et sucre allongés d’eau gazeuse : un grand rafraîchissement pétillant, vif comme une citronnade.',
    ingredients: ['Gin', 'Jus de citron', 'Sirop de sucre', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Gin', amount: '50 ml' },
        { name: 'Jus de citron frais', amount: '25 ml' },
        { name: 'Sirop de sucre', amount: '15 ml' },
        { name: 'Eau gazeuse', amount: '90 ml' },
      ],
      steps: [
        'Verser le gin, le jus de citron et le sirop dans un shaker avec de la glace.',
        'Secouer brièvement jusqu’à ce que ce soit froid.',
        'Filtrer dans un verre Collins rempli de glace fraîche.',
        'Compléter d’eau gazeuse et remuer doucement.',
        'Décorer d’une rondelle de citron et d’une cerise à cocktail.',
      ],
      garnish: 'Rondelle de citron et cerise à cocktail',
      glassware: 'Verre Collins',
    },
  },
  "Dark 'n' Stormy": {
    description: 'Ginger beer épicée sur glace, rhum brun flottant et un filet de citron vert : sombre à l’œil, dangereusement facile à boire.',
    ingredients: ['Rhum brun', 'Ginger beer', 'Citron vert'],
    recipe: {
      ingredients: [
        { name: 'Rhum brun', amount: '60 ml' },
        { name: 'Ginger beer', amount: '100 ml' },
        { name: 'Jus de citron vert frais', amount: '10 ml' },
      ],
      steps: [
        'Remplir de glace un verre highball.',
        'Ajouter le jus de citron vert et verser la ginger beer.',
        'Verser lentement le rhum sur le dos d’une cuillère pour qu’il flotte.',
        'Décorer d’un quartier de citron vert et servir avec un mélangeur.',
      ],
      garnish: 'Quartier de citron vert',
      glassware: 'Verre highball',
    },
  },
  'Virgin Mojito': {
    description: 'Sans alcool : menthe fraîche, citron vert et sucre sur glace pilée, allongés d’eau gazeuse.',
    ingredients: ['Menthe', 'Jus de citron vert', 'Sirop de sucre', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Feuilles de menthe', amount: '8' },
        { name: 'Jus de citron vert frais', amount: '25 ml' },
        { name: 'Sirop de sucre', amount: '20 ml' },
        { name: 'Eau gazeuse', amount: '120 ml' },
      ],
      steps: [
        'Presser doucement les feuilles de menthe avec le sirop dans un verre highball.',
        'Ajouter le jus de citron vert.',
        'Remplir de glace pilée et mélanger à la cuillère de bar.',
        'Compléter d’eau gazeuse et d’un peu de glace pilée.',
        'Décorer d’un brin de menthe et d’une rondelle de citron vert.',
      ],
      garnish: 'Brin de menthe et rondelle de citron vert',
      glassware: 'Verre highball',
    },
  },
  'Shirley Temple': {
    description: 'Sans alcool et toujours un succès : ginger ale rosi de grenadine, un filet de citron vert et une cerise.',
    ingredients: ['Ginger ale', 'Grenadine', 'Jus de citron vert', 'Cerise'],
    recipe: {
      ingredients: [
        { name: 'Ginger ale', amount: '150 ml' },
        { name: 'Grenadine', amount: '15 ml' },
        { name: 'Jus de citron vert frais', amount: '10 ml' },
        { name: 'Cerise au marasquin', amount: '1' },
      ],
      steps: [
        'Remplir de glace un verre highball.',
        'Ajouter le jus de citron vert et verser le ginger ale.',
        'Verser lentement la grenadine le long de la paroi pour qu’elle tombe au fond.',
        'Décorer de la cerise et d’une tranche d’orange.',
      ],
      garnish: 'Cerise au marasquin et tranche d’orange',
      glassware: 'Verre highball',
    },
  },
  'Ginger Lime Fizz': {
    description: 'Sans alcool et plein de peps : gingembre frais, citron vert et miel secoués, puis allongés de bulles.',
    ingredients: ['Gingembre frais', 'Jus de citron vert', 'Sirop de miel', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Gingembre frais en fines tranches', amount: '3' },
        { name: 'Jus de citron vert frais', amount: '25 ml' },
        { name: 'Sirop de miel (miel et eau tiède 1:1)', amount: '20 ml' },
        { name: 'Eau gazeuse', amount: '120 ml' },
      ],
      steps: [
        'Piler les tranches de gingembre avec le sirop de miel dans un shaker.',
        'Ajouter le jus de citron vert et remplir de glace.',
        'Secouer fort 10 secondes.',
        'Filtrer deux fois dans un verre highball rempli de glace fraîche.',
        'Compléter d’eau gazeuse et décorer d’une rondelle de citron vert.',
      ],
      garnish: 'Rondelle de citron vert',
      glassware: 'Verre highball',
    },
  },
  'Cucumber Cooler': {
    description: 'Sans alcool et frais comme un jardin : concombre, menthe, sureau et citron vert, allongés d’eau gazeuse.',
    ingredients: ['Concombre', 'Menthe', 'Sirop de sureau', 'Jus de citron vert', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Tranches de concombre', amount: '4' },
        { name: 'Feuilles de menthe', amount: '6' },
        { name: 'Sirop de sureau', amount: '20 ml' },
        { name: 'Jus de citron vert frais', amount: '15 ml' },
        { name: 'Eau gazeuse', amount: '120 ml' },
      ],
      steps: [
        'Piler les tranches de concombre dans un shaker.',
        'Ajouter la menthe, le sirop de sureau et le jus de citron vert, puis remplir de glace.',
        'Secouer brièvement pour refroidir.',
        'Filtrer deux fois dans un verre highball rempli de glace fraîche.',
        'Compléter d’eau gazeuse et décorer d’un ruban de concombre.',
      ],
      garnish: 'Ruban de concombre',
      glassware: 'Verre highball',
    },
  },
  'Cranberry Spritz': {
    description: 'Un pétillant festif sans alcool : canneberge acidulée et citron vert allongés d’eau gazeuse, habillés de romarin.',
    ingredients: ['Jus de canneberge', 'Jus de citron vert', 'Sirop de sucre', 'Eau gazeuse'],
    recipe: {
      ingredients: [
        { name: 'Jus de canneberge', amount: '80 ml' },
        { name: 'Jus de citron vert frais', amount: '15 ml' },
        { name: 'Sirop de sucre', amount: '10 ml' },
        { name: 'Eau gazeuse', amount: '100 ml' },
      ],
      steps: [
        'Remplir de glace un grand verre à vin.',
        'Ajouter le jus de canneberge, le jus de citron vert et le sirop, et remuer.',
        'Compléter d’eau gazeuse et remuer une fois, doucement.',
        'Décorer d’un brin de romarin et de quelques canneberges.',
      ],
      garnish: 'Brin de romarin et canneberges fraîches',
      glassware: 'Grand verre à vin',
    },
  },
  'Hot Apple Cider': {
    description: 'Sans alcool et réconfortant : jus de pomme trouble mijoté avec cannelle, girofle, badiane et orange.',
    ingredients: ['Jus de pomme', 'Cannelle', 'Clous de girofle', 'Badiane', 'Orange', 'Sirop d’érable'],
    recipe: {
      ingredients: [
        { name: 'Jus de pomme trouble', amount: '200 ml' },
        { name: 'Sirop d’érable', amount: '10 ml' },
        { name: 'Bâton de cannelle', amount: '1' },
        { name: 'Clous de girofle', amount: '2' },
        { name: 'Badiane (anis étoilé)', amount: '1' },
        { name: 'Tranche d’orange', amount: '1' },
      ],
      steps: [
        'Mettre le jus de pomme, le sirop d’érable, les épices et la tranche d’orange dans une petite casserole.',
        'Porter à petit frémissement et le maintenir 10 minutes.',
        'Filtrer dans une tasse résistant à la chaleur.',
        'Décorer d’un bâton de cannelle et d’une fine tranche de pomme.',
      ],
      garnish: 'Bâton de cannelle et tranche de pomme',
      glassware: 'Tasse résistant à la chaleur',
    },
  },
  'Virgin Mary': {
    description: 'Sans alcool et salé : jus de tomate épicé au citron, Worcestershire et sauce piquante, servi avec du céleri.',
    ingredients: ['Jus de tomate', 'Jus de citron', 'Sauce Worcestershire', 'Sauce piquante', 'Sel de céleri', 'Poivre noir'],
    recipe: {
      ingredients: [
        { name: 'Jus de tomate', amount: '150 ml' },
        { name: 'Jus de citron frais', amount: '15 ml' },
        { name: 'Sauce Worcestershire', amount: '4 traits' },
        { name: 'Sauce piquante', amount: '2 traits' },
        { name: 'Sel de céleri', amount: '1 pincée' },
        { name: 'Poivre noir', amount: '1 pincée' },
      ],
      steps: [
        'Verser tous les ingrédients dans un shaker avec de la glace.',
        'Faire rouler le mélange d’une timbale à l’autre quelques fois au lieu de secouer.',
        'Filtrer dans un verre highball rempli de glace fraîche.',
        'Décorer d’une branche de céleri et d’un quartier de citron.',
      ],
      garnish: 'Branche de céleri et quartier de citron',
      glassware: 'Verre highball',
    },
  },
};
