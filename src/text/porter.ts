/**
 * Martin Porter's stemming algorithm (1980), as in his reference implementation that
 * Lucene's PorterStemFilter follows: including its two documented departures from the
 * paper (step 2 maps -bli to -ble and -logi to -log) and leaving words of 1-2 letters alone.
 * Written from the published algorithm. Input is expected lower-case.
 */
class PorterWord {
  b: string;
  /** End of the stem being considered (inclusive index). */
  k: number;
  /** End of the stem before the suffix matched by `ends` (inclusive). */
  j = 0;

  constructor(word: string) {
    this.b = word;
    this.k = word.length - 1;
  }

  cons(i: number): boolean {
    const c = this.b[i];
    if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
    if (c === 'y') return i === 0 ? true : !this.cons(i - 1);
    return true;
  }

  /** Number of VC sequences in b[0..j]. */
  m(): number {
    let n = 0;
    let i = 0;
    const j = this.j;
    for (;;) {
      if (i > j) return n;
      if (!this.cons(i)) break;
      i++;
    }
    i++;
    for (;;) {
      for (;;) {
        if (i > j) return n;
        if (this.cons(i)) break;
        i++;
      }
      i++;
      n++;
      for (;;) {
        if (i > j) return n;
        if (!this.cons(i)) break;
        i++;
      }
      i++;
    }
  }

  vowelInStem(): boolean {
    for (let i = 0; i <= this.j; i++) if (!this.cons(i)) return true;
    return false;
  }

  doubleC(i: number): boolean {
    if (i < 1) return false;
    if (this.b[i] !== this.b[i - 1]) return false;
    return this.cons(i);
  }

  /** consonant-vowel-consonant ending at i, the last not w, x or y. */
  cvc(i: number): boolean {
    if (i < 2 || !this.cons(i) || this.cons(i - 1) || !this.cons(i - 2)) return false;
    const c = this.b[i];
    return !(c === 'w' || c === 'x' || c === 'y');
  }

  ends(s: string): boolean {
    const len = s.length;
    if (len > this.k + 1) return false;
    if (this.b.slice(this.k - len + 1, this.k + 1) !== s) return false;
    this.j = this.k - len;
    return true;
  }

  /** Replaces b[j+1..k] with s. */
  setTo(s: string): void {
    this.b = this.b.slice(0, this.j + 1) + s + this.b.slice(this.k + 1);
    this.k = this.j + s.length;
  }

  r(s: string): void {
    if (this.m() > 0) this.setTo(s);
  }

  step1ab(): void {
    if (this.b[this.k] === 's') {
      if (this.ends('sses')) this.k -= 2;
      else if (this.ends('ies')) this.setTo('i');
      else if (this.b[this.k - 1] !== 's') this.k--;
    }
    if (this.ends('eed')) {
      if (this.m() > 0) this.k--;
    } else if ((this.ends('ed') || this.ends('ing')) && this.vowelInStem()) {
      this.k = this.j;
      if (this.ends('at')) this.setTo('ate');
      else if (this.ends('bl')) this.setTo('ble');
      else if (this.ends('iz')) this.setTo('ize');
      else if (this.doubleC(this.k)) {
        this.k--;
        const c = this.b[this.k];
        if (c === 'l' || c === 's' || c === 'z') this.k++;
      } else if (this.m() === 1 && this.cvc(this.k)) this.setTo('e');
    }
    // Keep b's length in step with k so later `ends` checks see the trimmed word.
    this.b = this.b.slice(0, this.k + 1);
  }

  step1c(): void {
    if (this.ends('y') && this.vowelInStem())
      this.b = `${this.b.slice(0, this.k)}i${this.b.slice(this.k + 1)}`;
  }

  step2(): void {
    if (this.k === 0) return;
    switch (this.b[this.k - 1]) {
      case 'a':
        if (this.ends('ational')) this.r('ate');
        else if (this.ends('tional')) this.r('tion');
        break;
      case 'c':
        if (this.ends('enci')) this.r('ence');
        else if (this.ends('anci')) this.r('ance');
        break;
      case 'e':
        if (this.ends('izer')) this.r('ize');
        break;
      case 'l':
        if (this.ends('bli')) this.r('ble');
        else if (this.ends('alli')) this.r('al');
        else if (this.ends('entli')) this.r('ent');
        else if (this.ends('eli')) this.r('e');
        else if (this.ends('ousli')) this.r('ous');
        break;
      case 'o':
        if (this.ends('ization')) this.r('ize');
        else if (this.ends('ation')) this.r('ate');
        else if (this.ends('ator')) this.r('ate');
        break;
      case 's':
        if (this.ends('alism')) this.r('al');
        else if (this.ends('iveness')) this.r('ive');
        else if (this.ends('fulness')) this.r('ful');
        else if (this.ends('ousness')) this.r('ous');
        break;
      case 't':
        if (this.ends('aliti')) this.r('al');
        else if (this.ends('iviti')) this.r('ive');
        else if (this.ends('biliti')) this.r('ble');
        break;
      case 'g':
        if (this.ends('logi')) this.r('log');
        break;
    }
  }

  step3(): void {
    switch (this.b[this.k]) {
      case 'e':
        if (this.ends('icate')) this.r('ic');
        else if (this.ends('ative')) this.r('');
        else if (this.ends('alize')) this.r('al');
        break;
      case 'i':
        if (this.ends('iciti')) this.r('ic');
        break;
      case 'l':
        if (this.ends('ical')) this.r('ic');
        else if (this.ends('ful')) this.r('');
        break;
      case 's':
        if (this.ends('ness')) this.r('');
        break;
    }
  }

  step4(): void {
    if (this.k === 0) return;
    let matched = false;
    switch (this.b[this.k - 1]) {
      case 'a':
        matched = this.ends('al');
        break;
      case 'c':
        matched = this.ends('ance') || this.ends('ence');
        break;
      case 'e':
        matched = this.ends('er');
        break;
      case 'i':
        matched = this.ends('ic');
        break;
      case 'l':
        matched = this.ends('able') || this.ends('ible');
        break;
      case 'n':
        matched = this.ends('ant') || this.ends('ement') || this.ends('ment') || this.ends('ent');
        break;
      case 'o':
        if (this.ends('ion') && this.j >= 0 && (this.b[this.j] === 's' || this.b[this.j] === 't'))
          matched = true;
        else matched = this.ends('ou');
        break;
      case 's':
        matched = this.ends('ism');
        break;
      case 't':
        matched = this.ends('ate') || this.ends('iti');
        break;
      case 'u':
        matched = this.ends('ous');
        break;
      case 'v':
        matched = this.ends('ive');
        break;
      case 'z':
        matched = this.ends('ize');
        break;
    }
    if (matched && this.m() > 1) this.k = this.j;
    this.b = this.b.slice(0, this.k + 1);
  }

  step5(): void {
    this.j = this.k;
    if (this.b[this.k] === 'e') {
      const a = this.m();
      if (a > 1 || (a === 1 && !this.cvc(this.k - 1))) this.k--;
    }
    if (this.b[this.k] === 'l' && this.doubleC(this.k) && this.m() > 1) this.k--;
    this.b = this.b.slice(0, this.k + 1);
  }
}

export function porterStem(word: string): string {
  if (word.length <= 2) return word;
  const w = new PorterWord(word);
  w.step1ab();
  if (w.k > 0) {
    w.step1c();
    w.step2();
    w.b = w.b.slice(0, w.k + 1);
    w.step3();
    w.b = w.b.slice(0, w.k + 1);
    w.step4();
    w.step5();
  }
  return w.b.slice(0, w.k + 1);
}
