/**
 * The product types the catalogue generator draws from. Written for stepq (no real
 * product data). Pools are chosen so that the WebShop reward can tell values apart:
 * within one pool no two option values or attributes are fuzzy-equal under
 * token_set_ratio > 85 (single-digit sizes such as "4 oz"/"8 oz" are, so sizes use
 * numbers with different leading digits or words), and no value is a substring of a
 * colour of COLOR_SET other than itself.
 */

export interface OptionPool {
  /** Raw option name as the shop shows it ("Color", "Size", ...). */
  name: string;
  values: readonly string[];
}

export interface ProductType {
  /** The product noun in title case, e.g. "Body Lotion". */
  noun: string;
  /** WebShop `category` field (the five top-level scrape groups). */
  category: 'beauty' | 'fashion' | 'garden' | 'grocery' | 'electronics';
  /** WebShop `query` field: the search that found the product on the real site. */
  query: string;
  /** `product_category` parts, joined with " › ". */
  path: readonly string[];
  /** Title descriptors (scent, flavour, material, style); also used as attributes. */
  variants: readonly string[];
  /** Feature attributes (lower case), as in items_ins_v2. */
  attributes: readonly string[];
  options: readonly OptionPool[];
  /** Typical price band in dollars. */
  price: readonly [number, number];
  /** Share of products priced as a "$a$b" range. */
  rangeShare: number;
  /** Where it is used or who it is for: title and instruction filler. */
  uses: readonly string[];
}

const COLORS_BASIC = [
  'Black',
  'White',
  'Navy',
  'Red',
  'Green',
  'Grey',
  'Beige',
  'Pink',
  'Purple',
  'Brown',
];
const COLORS_WOOD = ['Walnut', 'White', 'Black', 'Grey', 'Espresso', 'Natural', 'Cherry'];
const SHOE_SIZES = ['6', '7', '8', '9', '10', '11', '12', '13'];
const CLOTHING_SIZES = ['Small', 'Medium', 'Large', 'XL', 'XXL', '3XL'];

export const PRODUCT_TYPES: readonly ProductType[] = [
  {
    noun: 'Body Lotion',
    category: 'beauty',
    query: 'body lotion',
    path: ['Beauty & Personal Care', 'Skin Care', 'Body', 'Lotions'],
    variants: ['Vanilla', 'Lavender', 'Coconut', 'Unscented', 'Cucumber', 'Almond'],
    attributes: [
      'long lasting',
      'sensitive skin',
      'paraben free',
      'cruelty free',
      'shea butter',
      'fast absorbing',
    ],
    options: [{ name: 'Size', values: ['8 Fl Oz', '16 Fl Oz', '32 Fl Oz', 'Travel Size'] }],
    price: [7, 34],
    rangeShare: 0.1,
    uses: ['dry skin', 'daily use', 'after shower'],
  },
  {
    noun: 'Hand Cream',
    category: 'beauty',
    query: 'hand cream',
    path: ['Beauty & Personal Care', 'Skin Care', 'Hands & Nails', 'Hand Creams & Lotions'],
    variants: ['Vanilla', 'Lavender', 'Rose', 'Unscented', 'Almond', 'Honey'],
    attributes: [
      'long lasting',
      'sensitive skin',
      'paraben free',
      'cruelty free',
      'shea butter',
      'non greasy',
    ],
    options: [{ name: 'Size', values: ['1.7 Ounce', '5 Ounce', 'Value Pack'] }],
    price: [5, 22],
    rangeShare: 0.05,
    uses: ['cracked hands', 'winter', 'gardeners'],
  },
  {
    noun: 'Shampoo',
    category: 'beauty',
    query: 'shampoo & conditioner',
    path: ['Beauty & Personal Care', 'Hair Care', 'Shampoo & Conditioner', 'Shampoos'],
    variants: ['Argan Oil', 'Tea Tree', 'Coconut', 'Rosemary', 'Charcoal', 'Biotin'],
    attributes: [
      'sulfate free',
      'damaged hair',
      'color safe',
      'paraben free',
      'hair growth',
      'natural ingredients',
    ],
    options: [{ name: 'Size', values: ['12 Fl Oz', '33.8 Fl Oz', 'Travel Size'] }],
    price: [8, 39],
    rangeShare: 0.1,
    uses: ['curly hair', 'thin hair', 'everyday washing'],
  },
  {
    noun: 'Lipstick',
    category: 'beauty',
    query: 'lipstick',
    path: ['Beauty & Personal Care', 'Makeup', 'Lips', 'Lipstick'],
    variants: ['Matte', 'Satin', 'Glossy', 'Velvet'],
    attributes: ['long lasting', 'cruelty free', 'highly pigmented', 'vitamin e', 'waterproof'],
    options: [
      { name: 'Color', values: ['Red', 'Pink', 'Nude', 'Coral', 'Plum', 'Burgundy', 'Mauve'] },
    ],
    price: [6, 28],
    rangeShare: 0.05,
    uses: ['everyday wear', 'parties', 'weddings'],
  },
  {
    noun: 'Running Shoes',
    category: 'fashion',
    query: "men's athletic shoes",
    path: ['Clothing, Shoes & Jewelry', 'Men', 'Shoes', 'Athletic', 'Running'],
    variants: ['Mesh', 'Knit', 'Trail', 'Road'],
    attributes: [
      'non slip',
      'rubber sole',
      'lightweight',
      'arch support',
      'memory foam',
      'breathable',
    ],
    options: [
      { name: 'Color', values: COLORS_BASIC.slice(0, 7) },
      { name: 'Size', values: SHOE_SIZES },
    ],
    price: [25, 95],
    rangeShare: 0.4,
    uses: ['jogging', 'gym workouts', 'walking'],
  },
  {
    noun: 'Sneakers',
    category: 'fashion',
    query: "women's fashion sneakers",
    path: ['Clothing, Shoes & Jewelry', 'Women', 'Shoes', 'Fashion Sneakers'],
    variants: ['Canvas', 'Leather', 'Platform', 'High Top'],
    attributes: [
      'non slip',
      'rubber sole',
      'lightweight',
      'arch support',
      'memory foam',
      'machine washable',
    ],
    options: [
      { name: 'Color', values: ['White', 'Black', 'Pink', 'Beige', 'Grey', 'Navy'] },
      { name: 'Size', values: SHOE_SIZES.slice(0, 6) },
    ],
    price: [22, 80],
    rangeShare: 0.4,
    uses: ['casual wear', 'travel', 'walking'],
  },
  {
    noun: 'Hoodie',
    category: 'fashion',
    query: "men's hoodies & sweatshirts",
    path: ['Clothing, Shoes & Jewelry', 'Men', 'Clothing', 'Fashion Hoodies & Sweatshirts'],
    variants: ['Fleece', 'Cotton', 'Zip Up', 'Pullover'],
    attributes: [
      'machine wash',
      'long sleeve',
      'drawstring closure',
      'relaxed fit',
      'soft fabric',
      'kangaroo pocket',
    ],
    options: [
      { name: 'Color', values: COLORS_BASIC },
      { name: 'Size', values: CLOTHING_SIZES },
    ],
    price: [18, 65],
    rangeShare: 0.5,
    uses: ['workouts', 'lounging', 'cold weather'],
  },
  {
    noun: 'Summer Dress',
    category: 'fashion',
    query: "women's dresses",
    path: ['Clothing, Shoes & Jewelry', 'Women', 'Clothing', 'Dresses', 'Casual'],
    variants: ['Floral', 'Striped', 'Solid', 'Polka Dot'],
    attributes: [
      'short sleeve',
      'machine wash',
      'high waist',
      'soft fabric',
      'side pockets',
      'button closure',
    ],
    options: [
      { name: 'Color', values: ['Black', 'Navy', 'Green', 'Pink', 'Yellow', 'White'] },
      { name: 'Size', values: CLOTHING_SIZES.slice(0, 5) },
    ],
    price: [16, 55],
    rangeShare: 0.5,
    uses: ['beach vacations', 'parties', 'everyday wear'],
  },
  {
    noun: 'Coffee Beans',
    category: 'grocery',
    query: 'coffee beans',
    path: [
      'Grocery & Gourmet Food',
      'Beverages',
      'Coffee, Tea & Cocoa',
      'Coffee',
      'Whole Coffee Beans',
    ],
    variants: ['Dark Roast', 'Medium Roast', 'Light Roast', 'Espresso Roast'],
    attributes: [
      'usda organic',
      'fair trade',
      'single origin',
      'low acid',
      'kosher certified',
      'gluten free',
    ],
    options: [{ name: 'Size', values: ['12 Ounce', '2 Pound', '5 Pound Bag'] }],
    price: [9, 45],
    rangeShare: 0.1,
    uses: ['french press', 'drip coffee makers', 'cold brew'],
  },
  {
    noun: 'Protein Bars',
    category: 'grocery',
    query: 'protein bars',
    path: ['Grocery & Gourmet Food', 'Snack Foods', 'Bars', 'Protein Bars'],
    variants: ['Chocolate Chip', 'Peanut Butter', 'Cookie Dough', 'Salted Caramel', 'Blueberry'],
    attributes: [
      'gluten free',
      'low sugar',
      'high protein',
      'non gmo',
      'keto friendly',
      'plant based',
    ],
    options: [{ name: 'Size', values: ['12 Count', '30 Count', '48 Count'] }],
    price: [12, 48],
    rangeShare: 0.1,
    uses: ['post workout', 'busy mornings', 'hiking'],
  },
  {
    noun: 'Herbal Tea',
    category: 'grocery',
    query: 'herbal tea',
    path: ['Grocery & Gourmet Food', 'Beverages', 'Coffee, Tea & Cocoa', 'Tea', 'Herbal'],
    variants: ['Chamomile', 'Peppermint', 'Ginger', 'Hibiscus', 'Lemon Balm'],
    attributes: [
      'caffeine free',
      'usda organic',
      'non gmo',
      'individually wrapped',
      'kosher certified',
      'gluten free',
    ],
    options: [{ name: 'Size', values: ['16 Count', '20 Count', '100 Count'] }],
    price: [5, 30],
    rangeShare: 0.05,
    uses: ['bedtime', 'digestion', 'afternoon breaks'],
  },
  {
    noun: 'Bookshelf',
    category: 'garden',
    query: 'bookcases',
    path: ['Home & Kitchen', 'Furniture', 'Home Office Furniture', 'Bookcases'],
    variants: ['Industrial', 'Ladder', 'Corner', 'Cube'],
    attributes: [
      'easy assembly',
      'engineered wood',
      'metal frame',
      'space saving',
      'storage space',
      'solid wood',
    ],
    options: [
      { name: 'Color', values: COLORS_WOOD },
      { name: 'Size', values: ['3 Tier', '5 Tier'] },
    ],
    price: [45, 320],
    rangeShare: 0.2,
    uses: ['living room', 'home office', 'kids room'],
  },
  {
    noun: 'Accent Chair',
    category: 'garden',
    query: 'living room chairs',
    path: ['Home & Kitchen', 'Furniture', 'Living Room Furniture', 'Chairs'],
    variants: ['Velvet', 'Linen', 'Boucle', 'Faux Leather'],
    attributes: [
      'easy assembly',
      'solid wood',
      'high density foam',
      'wood legs',
      'lumbar support',
      'metal legs',
    ],
    options: [
      { name: 'Color', values: ['Grey', 'Beige', 'Green', 'Navy', 'Pink', 'Mustard', 'Teal'] },
    ],
    price: [90, 560],
    rangeShare: 0.2,
    uses: ['living room', 'bedroom', 'reading nook'],
  },
  {
    noun: 'Coffee Table',
    category: 'garden',
    query: 'coffee tables',
    path: ['Home & Kitchen', 'Furniture', 'Living Room Furniture', 'Tables', 'Coffee Tables'],
    variants: ['Farmhouse', 'Mid Century', 'Lift Top', 'Round'],
    attributes: [
      'easy assembly',
      'storage space',
      'solid wood',
      'tempered glass',
      'metal frame',
      'engineered wood',
    ],
    options: [{ name: 'Color', values: COLORS_WOOD }],
    price: [60, 450],
    rangeShare: 0.15,
    uses: ['living room', 'small spaces', 'apartments'],
  },
  {
    noun: 'USB C Cable',
    category: 'electronics',
    query: 'usb cables',
    path: ['Electronics', 'Accessories & Supplies', 'Cables & Interconnects', 'USB Cables'],
    variants: ['Flat', 'Right Angle', 'Coiled', 'Magnetic'],
    attributes: [
      'fast charging',
      'high speed',
      'nylon braided',
      'data transfer',
      'durable design',
      'aluminum alloy',
    ],
    options: [
      { name: 'Color', values: ['Black', 'White', 'Red', 'Grey', 'Blue'] },
      { name: 'Size', values: ['3 ft', '6 ft', '10 ft'] },
    ],
    price: [6, 26],
    rangeShare: 0.3,
    uses: ['phones', 'tablets', 'laptops'],
  },
  {
    noun: 'Phone Case',
    category: 'electronics',
    query: 'cell phone cases',
    path: ['Cell Phones & Accessories', 'Cases, Holsters & Sleeves', 'Basic Cases'],
    variants: ['Glitter', 'Silicone', 'Leather Wallet', 'Rugged'],
    attributes: [
      'shock absorption',
      'wireless charging',
      'slim fit',
      'drop protection',
      'easy install',
      'scratch resistant',
    ],
    options: [{ name: 'Color', values: ['Black', 'Clear', 'Purple', 'Green', 'Pink', 'Navy'] }],
    price: [7, 30],
    rangeShare: 0.3,
    uses: ['everyday carry', 'outdoor use', 'travel'],
  },
  {
    noun: 'Wireless Earbuds',
    category: 'electronics',
    query: 'earbud headphones',
    path: ['Electronics', 'Headphones, Earbuds & Accessories', 'Earbud Headphones'],
    variants: ['Sport', 'Mini', 'Open Ear', 'Studio'],
    attributes: [
      'noise cancelling',
      'wireless bluetooth',
      'long battery life',
      'water resistant',
      'hands free',
      'stereo sound',
    ],
    options: [{ name: 'Color', values: ['Black', 'White', 'Blue', 'Pink', 'Green'] }],
    price: [18, 140],
    rangeShare: 0.2,
    uses: ['running', 'commuting', 'phone calls'],
  },
  {
    noun: 'Laptop Stand',
    category: 'electronics',
    query: 'laptop stands',
    path: ['Electronics', 'Computers & Accessories', 'Laptop Accessories', 'Stands'],
    variants: ['Ergonomic', 'Foldable', 'Vertical', 'Rotating'],
    attributes: [
      'aluminum alloy',
      'non slip',
      'heat dissipation',
      'easy carry',
      'height adjustable',
      'stable design',
    ],
    options: [{ name: 'Color', values: ['Silver', 'Black', 'Grey', 'Gold'] }],
    price: [14, 70],
    rangeShare: 0.15,
    uses: ['home office', 'desk work', 'travel'],
  },
];
